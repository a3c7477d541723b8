"""What differs between the two databases: SQLite's pragmas and fast inserts, PostGIS's
geometry column and COPY. The store calls these; nothing else does."""
