"""A record's history as lines of plain text for the detail panel (the store already cut it to
what the person may see)."""

from __future__ import annotations

from datetime import datetime

from layers.campaign import VIETNAM
from layers.labels import change_label, change_value
from layers.schema import Layer
from ui.i18n import STRINGS, text


def _action(action: str, lang: str) -> str:
    """What an entry did, in words; an action this table does not name yet, as its code."""
    key = f"hist_{action}"
    return text(key, lang) if key in STRINGS else action


def history_lines(entries: list[dict], layer: Layer, lang: str) -> list[str]:
    """One line per history entry, newest first: when, who, what, why, and the changed fields.

    >>> from layers.schema import REPORTS
    >>> entry = {"at": "2026-12-01T03:00:00+00:00", "actor": "qt.ghi", "action": "status", "reason": "gọi lại",
    ...          "changes": {"status": ["new", "verifying"]}, "version": 2}
    >>> history_lines([entry], REPORTS, "vi")
    ['01/12/2026 10:00 · qt.ghi · Đổi trạng thái · gọi lại · Trạng thái: Mới nhận → Đang xác minh']
    """
    lines = []
    for entry in reversed(entries):
        at = datetime.fromisoformat(entry["at"]).astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
        parts = [at, entry["actor"], _action(entry["action"], lang)]
        if entry.get("reason"):
            parts.append(entry["reason"])
        if entry["action"] in ("update", "status", "referral"):
            parts += [
                f"{change_label(layer, name, lang)}: {change_value(layer, name, old, lang)} → "
                f"{change_value(layer, name, new, lang)}"
                for name, (old, new) in entry["changes"].items()
            ]
        lines.append(" · ".join(parts))
    return lines
