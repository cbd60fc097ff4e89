"""Exports of every report: CSV (streamed, constant memory, safe to open in a spreadsheet) and
XLSX (XlsxWriter's constant-memory mode, durations as numbers formatted [h]:mm).

A report becomes a Table: named, typed columns and an iterator of rows, so a
report with a million rows is read and written a chunk at a time. The numbers
are the query layer's, the same as on the page, totals included.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from timelive.lib.durations import format_duration
from timelive.lib.money import minor_units

# What a spreadsheet can hold: Excel's row limit.
XLSX_MAX_ROWS = 1_048_576

# Spreadsheets run a cell starting with these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula: a leading tab before = + - @ tab CR."""
    text = "" if value is None else str(value)
    return "\t" + text if text.startswith(FORMULA_PREFIXES) else text


TEXT, DURATION, MONEY, DATE, NUMBER = "text", "duration", "money", "date", "number"


@dataclass
class Column:
    title: str
    kind: str = TEXT


@dataclass
class Table:
    """Columns, and rows as lists of values: text, seconds (DURATION), Decimal (MONEY, in the row's
    `currency` column), date, int. `size` is the number of rows when known before writing."""

    title: str
    columns: list
    rows: Iterable
    size: int | None = None

    @property
    def currency_index(self) -> int | None:
        for i, column in enumerate(self.columns):
            if column.title == "Currency":
                return i
        return None


class Echo:
    def write(self, value):
        return value


def _csv_value(column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == DURATION:
        return format_duration(value)
    if column.kind in (MONEY, NUMBER):
        return str(value)
    if column.kind == DATE:
        return value.isoformat()
    return csv_cell(value)


def to_csv(table: Table, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        # A byte-order mark, so that spreadsheets read the file as UTF-8.
        yield "\ufeff"
        yield writer.writerow([c.title for c in table.columns])
        for row in table.rows:
            yield writer.writerow([_csv_value(c, v) for c, v in zip(table.columns, row, strict=True)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class TooManyRows(Exception):
    """More rows than a spreadsheet holds: offer CSV instead."""


def to_xlsx(table: Table, filename: str) -> HttpResponse:
    import xlsxwriter

    if table.size is not None and table.size + 1 > XLSX_MAX_ROWS:
        raise TooManyRows(table.size)
    # constant_memory: each row is flushed to a temporary file as soon as the next one starts.
    output = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(output, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    sheet = book.add_worksheet(table.title[:31])
    bold = book.add_format({"bold": True})
    duration = book.add_format({"num_format": "[h]:mm"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    money_formats = {}
    currency_at = table.currency_index

    def money_format(currency):
        places = minor_units(currency) if currency else 2
        if places not in money_formats:
            money_formats[places] = book.add_format({"num_format": "#,##0" + ("." + "0" * places if places else "")})
        return money_formats[places]

    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.title, bold)
        sheet.set_column(col, col, 28 if column.kind == TEXT else 14)
    row_number = 0
    for row in table.rows:
        row_number += 1
        if row_number >= XLSX_MAX_ROWS:
            book.close()
            output.close()
            raise TooManyRows(row_number)
        currency = row[currency_at] if currency_at is not None else ""
        for col, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            if value is None or value == "":
                continue
            if column.kind == DURATION:
                # Excel keeps time as a fraction of a day.
                sheet.write_number(row_number, col, value / 86400, duration)
            elif column.kind == MONEY:
                sheet.write_number(row_number, col, float(value), money_format(currency))
            elif column.kind == NUMBER:
                sheet.write_number(row_number, col, float(value))
            elif column.kind == DATE:
                sheet.write_datetime(row_number, col, dt.datetime.combine(value, dt.time()), date)
            else:
                sheet.write_string(row_number, col, str(value))
    book.close()
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


FORMATS = {"csv": to_csv, "xlsx": to_xlsx}


# Reports as tables


def _amount_lines(row, leading: list, *, hours: bool = True) -> Iterator[list]:
    """One line per currency of a row: the hours on the first line only, so a column's sum is the total."""
    currencies = row.currencies or [None]
    for i, amount in enumerate(currencies):
        first = i == 0
        yield [
            *leading,
            row.duration if first else None,
            row.billable_duration if first else None,
            amount.currency if amount else "",
            amount.billable_amount if amount else None,
            amount.cost if amount else None,
            amount.profit if amount else None,
        ]


AMOUNT_COLUMNS = [Column("Hours", DURATION), Column("Billable hours", DURATION), Column("Currency"),
                  Column("Billable amount", MONEY), Column("Cost", MONEY), Column("Profit", MONEY)]


def summary_table(report) -> Table:
    from .filters import LEVELS

    levels = report.levels
    columns = []
    for level in levels:
        columns += [Column(LEVELS[level]), Column(f"{LEVELS[level]} id")]
    columns += AMOUNT_COLUMNS

    def rows():
        for row in report.rows:
            leading = []
            for level in levels:
                leading += [row.labels[level], row.public[level]]
            yield from _amount_lines(row, leading)
        yield from _amount_lines(report.total, ["Total", ""] + ["", ""] * (len(levels) - 1))

    return Table("Summary", columns, rows())


def money_text(value: Decimal | None, currency: str) -> str:
    if value is None:
        return ""
    return f"{value:.{minor_units(currency)}f}"


def detailed_table(scope, filters, sort="date") -> Table:
    """Every entry of the detailed report, read in chunks (constant memory), then the totals per currency."""
    from .queries import _money, detailed_entries, filtered_entries, totals

    columns = [Column("Date", DATE), Column("Person"), Column("Person id"), Column("Client"), Column("Project"),
               Column("Project id"), Column("Task"), Column("Description"), Column("Tags"), Column("Status"),
               Column("Billable"), Column("Hours", DURATION), Column("Currency"), Column("Billable amount", MONEY),
               Column("Cost", MONEY)]
    entries = detailed_entries(scope, filters, sort)
    fallback = scope.org.currency

    def rows():
        for e in entries.prefetch_related("tags").iterator(chunk_size=2000):
            yield [e.date, e.user.full_name, e.user.code, e.project.client.name if e.project.client_id else "",
                   str(e.project), e.project.uid, e.task.name if e.task_id else "", e.description,
                   ", ".join(t.name for t in e.tags.all()), e.get_status_display(), "yes" if e.billable else "no",
                   e.duration, e.bill_currency or e.cost_currency or fallback,
                   _money(e.bill_minor, e.bill_currency) if e.bill_minor is not None else None,
                   _money(e.cost_minor, e.cost_currency) if e.cost_minor is not None else None]
        total = totals(filtered_entries(scope, filters), scope.org)
        for i, amount in enumerate(total.currencies):
            yield [None, "Total", "", "", "", "", "", "", "", "", "", total.duration if i == 0 else None,
                   amount.currency, amount.billable_amount, amount.cost]

    return Table("Detailed", columns, rows())


def weekly_table(report) -> Table:
    columns = [Column("Person"), Column("Person id")]
    columns += [Column(f"{day:%a %Y-%m-%d}", DURATION) for day in report.days]
    columns += [Column("Total", DURATION), Column("Billable", DURATION)]

    def rows():
        for line in report.lines:
            yield [line.row.labels["user"], line.row.public["user"], *[c.duration for c in line.cells],
                   line.row.duration, line.row.billable_duration]
        yield ["Total", "", *[d.duration for d in report.day_totals], report.total.duration,
               report.total.billable_duration]

    return Table("Weekly", columns, rows())
