"""The campaign's data: layer declarations, the store, demo data, import and export."""
