"""Why a file could not be read at all (a row's problems are rejected rows, not errors)."""

from layers.errors import LayersError


class UnreadableFile(LayersError):
    """The file as a whole cannot be read; nothing was written."""
