"""Formula-injection neutralising and control-character removal shared by every exporter."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from copilot_roi.safe_cells import FORMULA_TRIGGERS, neutralise_cell, neutralise_frame, strip_control


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "x"),  # control characters go first (issue 23): CR and NUL are not kept
        ("\r=1", "'=1"),  # ...and what they hid is then neutralised
        ("\0x", "x"),
        ("\0@SUM(1)", "'@SUM(1)"),
        ("\x1b[31m=1", "[31m=1"),
        ("\nx", "'\nx"),
        ("   =1+1", "'   =1+1"),
        ("Ben = boss", "Ben = boss"),
        ("", ""),
        ("NA", "NA"),
        (-3.5, -3.5),
        (0, 0),
        (None, None),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected


@given(st.text())
def test_no_text_starts_with_a_trigger_after_neutralising(text: str) -> None:
    out = neutralise_cell(text)
    assert not out.lstrip(" ").startswith(FORMULA_TRIGGERS)
    assert out == strip_control(text) or out == "'" + strip_control(text)
    assert not any((ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F for ch in out)


def test_frame_keeps_numbers_numeric_and_neutralises_text_and_headers() -> None:
    frame = pd.DataFrame(
        {
            "user": pd.Categorical(["=evil()", "Ben"]),
            "cost_usd": [-12.5, 3.0],
            "units_scu": np.array([1.5, 2.0]),
            "=header": ["a", "@b"],
        }
    )
    out = neutralise_frame(frame)
    assert out["user"].tolist() == ["'=evil()", "Ben"]
    assert out["cost_usd"].tolist() == [-12.5, 3.0]
    assert pd.api.types.is_float_dtype(out["cost_usd"])
    assert out["'=header"].tolist() == ["a", "'@b"]
    text = out.to_csv(index=False)
    assert "'-12.5" not in text
    round_trip = pd.read_csv(io.StringIO(text))
    assert round_trip["cost_usd"].tolist() == [-12.5, 3.0]
    assert frame["user"].tolist() == ["=evil()", "Ben"], "the input frame is not modified"
