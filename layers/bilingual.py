"""Things with a Vietnamese and an English label (roles, periods, form groups, kinds of work)."""

from __future__ import annotations


class Bilingual:
    """A mixin for a dataclass with `label_vi` and `label_en` fields: its label in a language."""

    label_vi: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi
