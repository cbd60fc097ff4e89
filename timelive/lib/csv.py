"""The one CSV writer for every export: no cell can run as a spreadsheet formula.

Names, descriptions and labels come from users; a cell starting with = + - @,
a tab or a carriage return is run as a formula by Excel, LibreOffice and
Google Sheets (CSV injection). As OWASP advises, such cells get a leading
apostrophe, which spreadsheets show as text and do not display. Plain numbers
("-12.50") are left as they are: they cannot be formulas.
"""

import csv
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


class _Echo:
    """A file that hands back what is written, for streaming responses."""

    def write(self, value):
        return value


class SafeWriter:
    def __init__(self, file=None, **options):
        self._writer = csv.writer(file if file is not None else _Echo(), **options)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def safe_writer(file=None, **options) -> SafeWriter:
    """A csv.writer for `file` whose cells are defused; without a file, `writerow` returns the line (streaming)."""
    return SafeWriter(file, **options)
