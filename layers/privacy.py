"""Keeping witnesses' private data out of what leaves for partners.

Leaving the private fields out is not enough: free text often repeats them (a KML
description "Ông Lê Văn Tám (0912 000 111) chỉ chỗ…", a GPX waypoint "Nhà bà Mận 0987…").
`scrub` takes out of a free-text field (the schema marks them) a record's own witness name,
phone and address, matched without regard to case and diacritics, and anything shaped like a
Vietnamese phone number. Structured fields (coordinates, codes, units) are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.admin import UnknownPlace, resolve_place
from geo.text import fold
from layers.schema import Layer

HIDDEN = "[đã ẩn]"
MIN_SECRET = 4  # shorter values are ordinary words of any text, not identifying
# The private values a free text is searched for are the layer's identifying fields (Layer.identifying).
# A relation ("đồng đội", "con") and private notes are not searched for: they are words of ordinary text.

# A Vietnamese phone number: a prefix (0, 84, +84, 0084, "(0", "(+84)", "+84 (0)") and the national
# number, a mobile one (3, 5, 7, 8 or 9 and eight digits) or a landline (2 and nine digits), its digits
# grouped by single spaces, dots, dashes or a closing bracket; never part of a longer word or number.
_SEP = r"(?:[ .\-]|\) ?)?"
_NATIONAL = rf"(?:[35789](?:{_SEP}\d){{8}}|2(?:{_SEP}\d){{9}})"
_PREFIX = r"(?:(?:\(\+?84\)|\+84|0084|84)[ .\-]?(?:\(0\)[ .\-]?)?|\(0(?=\d{2,3}\))|0)"
PHONE = re.compile(rf"(?<![\w.+])(?:{_PREFIX}){_NATIONAL}(?!\w)")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Each Latin letter with marks (and upper case) → its plain lower-case letter, one character
    for one, so that a match in the folded text is the same span in the original."""
    table = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base != ch:
            table[code] = base
    table[ord("đ")] = table[ord("Đ")] = "d"
    return table


def fold_aligned(text: str) -> str:
    """Text folded character by character: no marks, lower case, đ → d, the same length.

    >>> fold_aligned("Lê Văn Tám, ĐỒNG LỘC")
    'le van tam, dong loc'
    """
    return text.translate(_fold_table())


def fold_fast(text: str) -> str:
    """The same folding as fold_aligned for Vietnamese text, done by the C library a whole column
    at a time (characters outside Vietnamese and ASCII are dropped); its lengths may differ from
    the original's, so it only tells whether a value is there, and fold_aligned finds where.

    >>> fold_fast("Lê Văn Tám, ĐỒNG LỘC") == fold_aligned("Lê Văn Tám, ĐỒNG LỘC")
    True
    """
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return plain.encode("ascii", "ignore").decode("ascii").lower()  # marks (and any other non-ASCII) dropped


def _spans(folded: str, needle: str) -> Iterable[tuple[int, int]]:
    start = folded.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = folded[start - 1] if start else " "
        after = folded[end] if end < len(folded) else " "
        if not before.isalnum() and not after.isalnum():
            yield start, end
        start = folded.find(needle, start + 1)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given private values and without phone numbers.

    >>> scrub("Ông Lê Văn Tám (0912 000 111) chỉ chỗ chôn, le van tam nhớ rõ.", ["Lê Văn Tám"])
    'Ông [đã ẩn] ([đã ẩn]) chỉ chỗ chôn, [đã ẩn] nhớ rõ.'
    >>> scrub("Đội 584, mộ 01 02 03 04 05 06, năm 1968 1975, điểm 16.7469, 107.1944, 48Q XD 01234 56789")
    'Đội 584, mộ 01 02 03 04 05 06, năm 1968 1975, điểm 16.7469, 107.1944, 48Q XD 01234 56789'
    >>> scrub("gọi (0233) 3852 123 hoặc +84 (0) 912 345 678, 0912345678,0987654321")
    'gọi [đã ẩn] hoặc [đã ẩn], [đã ẩn],[đã ẩn]'
    """
    return _scrub(text, _needles(secrets))


def _needles(secrets: Iterable[str]) -> list[str]:
    """The private values as they are looked for: folded, spaces single, long enough to identify."""
    return [n for n in (fold_aligned(" ".join(s.split())) for s in secrets) if len(n) >= MIN_SECRET]


def _scrub(text: str, needles: list[str]) -> str:
    return PHONE.sub(HIDDEN, _hide(text, fold_aligned(text), needles) if needles else text)


def _hide(text: str, folded: str, needles: list[str]) -> str:
    """`text` with each of the folded `needles` found in its folded form replaced by HIDDEN."""
    spans = sorted(span for needle in needles if needle in folded for span in _spans(folded, needle))
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        if end <= last:
            continue
        pieces += [text[last : max(start, last)], HIDDEN]
        last = end
    return "".join(pieces) + text[last:]


def free_text_fields(layer: Layer) -> list[str]:
    """The layer's public fields written as people tell it (the schema's `free_text`)."""
    return [f.name for f in layer.fields if f.free_text and not f.private]


ADDRESS_MARKS = re.compile(r"[\d,;/]")


@lru_cache(maxsize=4096)
def _is_place_name(text: str) -> bool:
    """An address that is only a place name ("Quảng Trị", "Vĩnh Linh") says nothing about a
    person, and hiding it would hide the place from every text."""
    if ADDRESS_MARKS.search(text):  # a house number or a list of parts: an address
        return False
    try:
        return fold(resolve_place(text).name) == fold(text)
    except UnknownPlace:
        return False


def _row_secrets(frame: pd.DataFrame, layer: Layer) -> list[list[str]]:
    """Each record's identifying values (Layer.identifying: a witness's name, phone and address)
    as they are looked for (see _needles), folded for the whole frame in one pass."""
    rows: list[int] = []
    raw: list[str] = []
    for name in layer.identifying:
        if name not in frame:
            continue
        address = name.endswith("address")
        for i, value in enumerate(frame[name].tolist()):
            if value and isinstance(value, str) and not (address and _is_place_name(value)):
                rows.append(i)
                raw.append(value)
    secrets: list[list[str]] = [[] for _ in range(len(frame))]
    folded = fold_fast("\x00".join(raw)).split("\x00") if raw else []
    for i, needle in zip(rows, folded, strict=True):
        needle = " ".join(needle.split())
        if len(needle) >= MIN_SECRET:
            secrets[i].append(needle)
    return secrets


def _filled(values: Iterable[object]) -> np.ndarray:
    return np.array([isinstance(v, str) and bool(v.strip()) for v in values], dtype=bool)


def for_partners(frame: pd.DataFrame, layer: Layer) -> pd.DataFrame:
    """The frame as partners may receive it: private fields empty, and every free text scrubbed
    of the record's own witness data and of phone numbers. A column's texts are folded, and
    searched for phones, in one pass each (joined by NUL, which exported text never holds)."""
    texts = [name for name in free_text_fields(layer) if name in frame]
    out = frame.copy()
    secrets = _row_secrets(out, layer)
    for name in texts:
        values = out[name].tolist()
        filled = np.flatnonzero(_filled(values))
        if not len(filled):
            continue
        pieces = [values[i] for i in filled]
        folded = fold_fast("\x00".join(pieces)).split("\x00")
        for k, i in enumerate(filled):
            if secrets[i] and any(needle in folded[k] for needle in secrets[i]):
                pieces[k] = _hide(pieces[k], fold_aligned(pieces[k]), secrets[i])
        for i, text in zip(filled, PHONE.sub(HIDDEN, "\x00".join(pieces)).split("\x00"), strict=True):
            values[i] = text
        out[name] = pd.Series(values, index=out.index, dtype=out[name].dtype)  # the column's own (string) type
    for name in layer.private_fields:
        if name in out:
            out[name] = pd.Series([None] * len(out), index=out.index, dtype=out[name].dtype)
    return out
