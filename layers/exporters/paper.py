"""A paper printed from one record: which layer's, its name in both languages, the word its file
is named with, and the function that makes it for a person (layers.exporters.papers lists them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from layers.bilingual import Bilingual
from layers.labels import short_code


@dataclass(frozen=True)
class Paper(Bilingual):
    layer: str
    label_vi: str
    label_en: str
    file_stem: str
    # (store, record id, viewer, lang) -> PDF bytes; the maker checks what the person may see.
    make: Callable[..., bytes]

    def file_name(self, record_id: str) -> str:
        return f"{self.file_stem}_{short_code(record_id)}.pdf"
