"""Vietnamese text folding for search and name matching."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-–—_/.,;:()\"'’`]+")


_ASCII_PUNCTUATION = str.maketrans({"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "°": "d"})


def strip_marks(text: str) -> str:
    """Text without Vietnamese diacritics, case and punctuation kept: Đồng Lộc → Dong Loc."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ascii_only(text: str) -> str:
    """Text an ASCII-only device can show: no diacritics, common punctuation replaced, the rest dropped.

    >>> ascii_only("Nghĩa trang Trường Sơn – Quảng Trị")
    'Nghia trang Truong Son - Quang Tri'
    """
    return "".join(ch for ch in strip_marks(text).translate(_ASCII_PUNCTUATION) if ord(ch) < 128)


def fold(text: str) -> str:
    """Fold Vietnamese text for matching: no diacritics, đ→d, lower case, single spaces.

    >>> fold("  Thừa Thiên – Huế ")
    'thua thien hue'
    >>> fold("ĐỒNG LỘC")
    'dong loc'
    """
    return _SEPARATORS.sub(" ", strip_marks(text).casefold()).strip()


def compact(text: str) -> str:
    """Fold and drop every space: 'TP. HCM' and 'tphcm' compare equal.

    >>> compact("TP. Hồ Chí Minh") == compact("tp ho chi minh")
    True
    """
    return fold(text).replace(" ", "")


def slug(text: str) -> str:
    """Text for a file name: folded, words joined by hyphens.

    >>> slug("Thừa Thiên – Huế")
    'thua-thien-hue'
    """
    return fold(text).replace(" ", "-")
