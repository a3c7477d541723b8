"""One error family for everything a user can get wrong; messages are for people."""


class LayersError(Exception):
    """A problem the user can act on. `str(error)` is one line, in Vietnamese."""


class StoreError(LayersError):
    """The database cannot be opened, migrated or written."""


class UnknownLayer(LayersError):
    """A layer name that the schema does not declare."""
