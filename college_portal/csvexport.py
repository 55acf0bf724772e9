"""CSV downloads that open right in Excel with Swedish settings: UTF-8 with BOM, semicolons."""

import csv

from django.http import HttpResponse

DELIMITER = ";"


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
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
