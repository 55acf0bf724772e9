"""Spreadsheet downloads: CSV that opens right in Excel with Swedish settings (UTF-8 with BOM,
semicolons), and XLSX workbooks. In both, user-entered text that starts like a formula stays
text (no formula injection)."""

import csv
import io

from django.http import HttpResponse

DELIMITER = ";"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What makes Excel read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_response(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # the BOM tells Excel the file is UTF-8: å, ä, ö survive
    writer = csv.writer(response, delimiter=DELIMITER)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return response


def _safe(value):
    """Neutralise spreadsheet formulas in user-entered text (CSV injection). Numbers are no
    formulas: a negative one (a gap, a difference) stays a number Excel can sum."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_START:
        return "'" + text
    return text


def xlsx_append(sheet, values):
    """Append a row to an openpyxl sheet; text that starts like a formula stays text."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value[:1] in FORMULA_START:
            cell.data_type = "s"


def xlsx_response(filename, book):
    """An openpyxl workbook as a download."""
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
