"""Keeping witnesses' private data out of what leaves for partners.

Leaving the private fields out is not enough: free text often repeats them (a KML
description "Ông Lê Văn Tám (0912 000 111) chỉ chỗ…", a GPX waypoint "Nhà bà Mận 0987…").
`scrub` takes out of a public text a record's own private values, matched without regard to
case and diacritics, and anything shaped like a Vietnamese phone number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from layers.schema import Layer

HIDDEN = "[đã ẩn]"
MIN_SECRET = 4  # shorter private values ("con", "em") are words of ordinary text, not identifying
# A Vietnamese phone number: 0, 84 or +84, then 9 or 10 digits, optionally grouped by spaces,
# dots or dashes; not part of a longer number, a decimal or a code (MGRS, a unit's number).
PHONE = re.compile(r"(?<![\w.,+])(?:\(?\+84\)?|0084|84|0)(?:[ .\-]?\d){9,10}(?![\w])")


def _fold_char(ch: str) -> str:
    """One character without its marks, in lower case; the same length as the text it folds,
    so that a match in the folded text is the same span in the original."""
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else ch


def fold_aligned(text: str) -> str:
    """Text folded character by character (see _fold_char).

    >>> fold_aligned("Lê Văn Tám")
    'le van tam'
    """
    return "".join(_fold_char(ch) for ch in text)


def _secret_spans(text: str, secrets: Iterable[str]) -> list[tuple[int, int]]:
    folded = fold_aligned(text)
    spans = []
    for secret in secrets:
        needle = fold_aligned(" ".join(secret.split()))
        if len(needle) < MIN_SECRET:
            continue
        start = folded.find(needle)
        while start >= 0:
            end = start + len(needle)
            before = folded[start - 1] if start else " "
            after = folded[end] if end < len(folded) else " "
            if not before.isalnum() and not after.isalnum():
                spans.append((start, end))
            start = folded.find(needle, start + 1)
    return spans


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given private values and without phone numbers.

    >>> scrub("Ông Lê Văn Tám (0912 000 111) chỉ chỗ chôn, le van tam nhớ rõ.", ["Lê Văn Tám"])
    'Ông [đã ẩn] ([đã ẩn]) chỉ chỗ chôn, [đã ẩn] nhớ rõ.'
    >>> scrub("Đội 84 đi 12 km, năm 1968, điểm 16.7469, 107.1944")
    'Đội 84 đi 12 km, năm 1968, điểm 16.7469, 107.1944'
    """
    spans = _secret_spans(text, [s for s in secrets if s]) if secrets else []
    if spans:
        pieces, last = [], 0
        for start, end in sorted(spans):
            if start < last:
                start = last
            if end <= last:
                continue
            pieces += [text[last:start], HIDDEN]
            last = end
        text = "".join(pieces) + text[last:]
    return PHONE.sub(HIDDEN, text)


def public_text_fields(layer: Layer) -> list[str]:
    """The layer's free-text fields that partners receive."""
    return [f.name for f in layer.fields if f.type == "text" and not f.private and not f.vocabulary]


def _secrets(row: pd.Series, private: list[str]) -> list[str]:
    return [str(row[name]) for name in private if isinstance(row.get(name), str) and row[name].strip()]


def _filled(values: Iterable[object]) -> np.ndarray:
    return np.array([isinstance(v, str) and bool(v.strip()) for v in values], dtype=bool)


def for_partners(frame: pd.DataFrame, layer: Layer) -> pd.DataFrame:
    """The frame as partners may receive it: private fields empty, and every public text
    scrubbed of the record's own private values and of phone numbers."""
    private = [name for name in layer.private_fields if name in frame]
    texts = [name for name in public_text_fields(layer) if name in frame]
    out = frame.copy()
    secrets = [_secrets(row, private) for _, row in out[private].iterrows()] if private else [[]] * len(out)
    for name in texts:
        values = list(out[name])
        for i in np.flatnonzero(_filled(values)):
            values[i] = scrub(values[i], secrets[i])
        out[name] = pd.Series(values, index=out.index, dtype=object)
    for name in private:
        out[name] = None
    return out
