"""CLI command ``evidence``: every study in the roles catalogue, graded, with the defaults citing it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from copilot_roi.cli.json_output import emit_json
from copilot_roi.value.catalogue import Catalogue, load_catalogue


def register(sub: Any) -> None:
    evidence = sub.add_parser(
        "evidence",
        help="the studies behind the role defaults: what each measured, who ran it, significance",
    )
    evidence.add_argument("--json", action="store_true", help="print JSON")
    evidence.set_defaults(handler=run_evidence)


def evidence_payload(catalogue: Catalogue) -> list[dict[str, Any]]:
    """One record per catalogue entry, in catalogue order.

    ``used_by`` lists the defaults (``role.field``) resting on the entry, a vendor's claim included
    where it sets an end; ``uses`` says, per default, which ends (low, expected, high) rest on it, as
    what (``evidence`` or ``claim``), and which of those ends rest on a result that was not
    significant. ``context_for`` lists those that only show it beside them (elapsed-time results
    are context, never a share of labour). ``significant`` is null where the source does not report it.
    """
    return [
        {
            "id": entry_id,
            "study": entry.study,
            "measures": entry.measures,
            "authors": entry.authors,
            "setting": entry.setting,
            "significant": entry.significant,
            "sample": entry.sample,
            "result": entry.result,
            "caveat": entry.caveat,
            "reference": entry.reference,
            "confidence": entry.confidence,
            "kind": entry.kind,
            "used_by": catalogue.used_by(entry_id),
            "uses": catalogue.uses(entry_id),
            "context_for": catalogue.shown_with(entry_id),
        }
        for entry_id, entry in catalogue.evidence.items()
    ]


def run_evidence(args: argparse.Namespace) -> None:

    catalogue = load_catalogue()
    payload = evidence_payload(catalogue)
    if args.json:
        emit_json(payload)
        return
    blocks = []
    for record in payload:
        entry = catalogue.evidence[record["id"]]
        uses = ", ".join(_use_text(use) for use in record["uses"]) or "no default (not cited)"
        lines = [
            f"{record['id']}: {entry.study}",
            f"  {entry.grade}; sample: {entry.sample}",
            f"  Result: {entry.result}",
            f"  Caveat: {entry.caveat}",
            f"  Used by: {uses}",
        ]
        if record["context_for"]:
            lines.append(f"  Context only for: {', '.join(record['context_for'])}")
        blocks.append("\n".join(lines))
    sys.stdout.write("\n\n".join(blocks) + "\n")


def _use_text(use: dict[str, Any]) -> str:
    """E.g. ``soc.time_saved_share (low end, not significant)``."""
    ends = "/".join(use["ends"]) + (" end" if len(use["ends"]) == 1 else " ends")
    flags = [ends]
    if use["as"] == "claim":
        flags.append("a claim, not a study")
    if use["not_significant"]:
        flags.append("not significant")
    return f"{use['default']} ({', '.join(flags)})"
