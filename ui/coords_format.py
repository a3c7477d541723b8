"""Coordinates written for people: decimal degrees and degrees-minutes-seconds."""

from __future__ import annotations


def dms(value: float, positive: str, negative: str) -> str:
    """One coordinate in DMS with a hemisphere letter.

    >>> dms(16.7469, "N", "S")
    '16°44\\'48.8"N'
    """
    hemisphere = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    if round(seconds, 1) >= 60:
        minutes, seconds = minutes + 1, 0.0
    if minutes == 60:
        degrees, minutes = degrees + 1, 0
    return f"{degrees}°{minutes:02d}'{seconds:04.1f}\"{hemisphere}"


def lat_lon_dms(lat: float, lon: float) -> str:
    return f"{dms(lat, 'N', 'S')} {dms(lon, 'E', 'W')}"


def lat_lon_decimal(lat: float, lon: float) -> str:
    return f"{lat:.6f}, {lon:.6f}"
