"""Vietnamese text folding for search and name matching."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-–—_/.,;:()\"'’`]+")


def fold(text: str) -> str:
    """Fold Vietnamese text for matching: no diacritics, đ→d, lower case, single spaces.

    >>> fold("  Thừa Thiên – Huế ")
    'thua thien hue'
    >>> fold("ĐỒNG LỘC")
    'dong loc'
    """
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def compact(text: str) -> str:
    """Fold and drop every space: 'TP. HCM' and 'tphcm' compare equal.

    >>> compact("TP. Hồ Chí Minh") == compact("tp ho chi minh")
    True
    """
    return fold(text).replace(" ", "")
