"""The reports upward as files: .xlsx (one sheet per table, formula-safe) and PDF (the
print pipeline, CJK font), and the background job that makes a long one (issue 22).

The figures are ``profiles.reports.figures``'; this package only writes them. It imports
``core``, ``profiles``, ``sheets`` (formula-safe cells, the sheet styles) and ``print``
(WeasyPrint, the fonts); the console imports it (docs/architecture.md)."""
