"""The README's adoption table is the engine's one dictionary of definitions, word for word."""

from __future__ import annotations

from pathlib import Path

from copilot_roi.usage.adoption import DEFINITIONS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_adoption_definition_as_the_engine_writes_it() -> None:
    text = README.read_text(encoding="utf-8")
    rows = {line for line in text.splitlines() if line.startswith("| `")}
    for key, definition in DEFINITIONS.items():
        assert f"| `{key}` | {definition} |" in rows, key
