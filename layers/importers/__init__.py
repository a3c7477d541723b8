"""Files in: chapters' spreadsheets and map files → validated records and rejected rows."""
