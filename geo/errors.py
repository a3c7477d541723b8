"""geo's errors: members of the app's one error family (layers.errors.LayersError), so that the
command line and the pages catch them as every other error a user can act on. They stay
ValueError / LookupError too, for callers that treat them as such.

>>> from geo.coords import CoordinateError
>>> from layers.errors import LayersError
>>> issubclass(CoordinateError, LayersError) and issubclass(CoordinateError, ValueError)
True
"""

from __future__ import annotations

from layers.errors import LayersError


class GeoError(LayersError):
    """Text that names no place or position geo can read; the message says why (Vietnamese)."""
