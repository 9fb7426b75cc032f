"""Reading a file: its format, its sheets, the header row, the column map, each row's cells
and the parsing of one cell's value. Produces the data rows an importer checks."""
