"""Who a file is for, and so which fields it may carry."""

from __future__ import annotations

from layers.errors import LayersError
from layers.schema import Layer

AUDIENCES = ("partner", "team")
SYSTEM_FIELDS = ("id", "created_at", "updated_at", "version", "is_demo")


def check_audience(audience: str) -> str:
    if audience not in AUDIENCES:
        raise LayersError(f"Đối tượng nhận phải là {' hoặc '.join(AUDIENCES)}, không phải «{audience}».")
    return audience


def exported_fields(layer: Layer, audience: str) -> list[str]:
    """Field names in export order: partners never get a private field (witness data)."""
    check_audience(audience)
    return [f.name for f in layer.fields if audience == "team" or not f.private]
