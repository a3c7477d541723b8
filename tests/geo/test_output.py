"""JSON on stdout: strict JSON, whatever floats a result holds."""

import io
import json
import math

import numpy as np
import pytest

from geo import output


def _printed(result: object, monkeypatch: pytest.MonkeyPatch) -> str:
    buffer = io.StringIO()
    monkeypatch.setattr(output.sys, "stdout", buffer)
    assert output.write_json(result) == 0
    return buffer.getvalue()


def test_nan_and_infinities_print_as_null(monkeypatch):
    result = {"a": math.nan, "b": [np.float64("nan"), -math.inf, (1.5, np.inf)], "c": {"d": np.float32(2.0)}}
    text = _printed(result, monkeypatch)
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"not JSON: {c}")) == {
        "a": None,
        "b": [None, None, [1.5, None]],
        "c": {"d": 2.0},
    }


def test_numpy_integers_print_as_numbers_not_text(monkeypatch):
    assert json.loads(_printed({"n": np.int64(3), "ok": np.bool_(True)}, monkeypatch)) == {"n": 3, "ok": True}
