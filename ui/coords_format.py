"""Coordinates written for people: decimal degrees and degrees-minutes-seconds."""

from __future__ import annotations

from geo.coords import dms


def lat_lon_dms(lat: float, lon: float) -> str:
    return f"{dms(lat, 'N', 'S')} {dms(lon, 'E', 'W')}"


def lat_lon_decimal(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"
