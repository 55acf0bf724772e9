"""The yearly report as a PDF (WeasyPrint renders the page's own HTML with its print
stylesheet) and as an XLSX workbook (one sheet per table)."""

import logging
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from college_portal import csvexport
from college_portal.csvexport import xlsx_append


def file_name(report, extension):
    return f"{_('yearly-report')}-{report.year}.{extension}"


def attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def static_files_only():
    """WeasyPrint's fetcher that reads the page's stylesheets from the static files on disk
    (the finders in development, the collected files in production) and fetches nothing over
    the network. WeasyPrint is imported when a PDF is asked for: it is slow to import."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = re.sub(r"^[a-z]+://[^/]*", "", url).split("?", 1)[0].split("#", 1)[0]
            if not path.startswith(settings.STATIC_URL):
                raise ValueError(f"not fetched for the PDF: {url}")
            name = path.removeprefix(settings.STATIC_URL)
            found = finders.find(name)
            if found:
                with open(found, "rb") as file:
                    body = file.read()
            elif staticfiles_storage.exists(name):
                with staticfiles_storage.open(name) as file:
                    body = file.read()
            else:
                raise ValueError(f"no static file {name}")
            kind = "text/css" if name.endswith(".css") else "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": kind})

    return StaticFilesOnly()


def pdf_response(request, report):
    from weasyprint import HTML

    # WeasyPrint logs each step at INFO and every screen-only CSS feature of portal.css it
    # does not know as a WARNING, on every PDF: only its errors belong in the portal's log.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    html = render_to_string(
        "yearly/report.html", {"report": report, "document": True}, request=request
    )
    pdf = HTML(
        string=html,
        base_url=request.build_absolute_uri("/"),
        url_fetcher=static_files_only(),
    ).write_pdf()
    return attachment(HttpResponse(pdf, content_type="application/pdf"), file_name(report, "pdf"))


def sheet_title(text, taken):
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip().strip("'")[:31].rstrip() or "-"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(title.lower())
    return title


def workbook(report):
    """One sheet per table: the criterion in the first row, then the caption, the headers and
    the rows; a last sheet holds the assessments."""
    book = Workbook()
    book.remove(book.active)
    taken = set()
    bold = Font(bold=True)
    for criterion in report.criteria:
        heading = f"{criterion.number} {criterion.name}"
        for index, table in enumerate(criterion.tables, start=1):
            sheet = book.create_sheet(
                sheet_title(f"{criterion.number}.{index} {table.caption}", taken)
            )
            xlsx_append(sheet, [heading])
            xlsx_append(sheet, [table.caption])
            xlsx_append(sheet, list(table.headers))
            for row in table.rows:
                xlsx_append(sheet, [str(cell) if hasattr(cell, "flag") else cell for cell in row])
            sheet["A1"].font = Font(bold=True, size=14)
            for cell in sheet[3]:
                cell.font = bold
            sheet.column_dimensions["A"].width = 40
    sheet = book.create_sheet(sheet_title(_("Assessments"), taken))
    xlsx_append(sheet, [_("Yearly report %(year)s") % {"year": report.year}])
    xlsx_append(
        sheet, [_("Criterion"), _("The steering group's assessment"), _("Written by"), _("Written")]
    )
    for cell in sheet[2]:
        cell.font = bold
    for criterion in report.criteria:
        a = criterion.assessment
        xlsx_append(
            sheet,
            [
                f"{criterion.number} {criterion.name}",
                a["text"] if a else "",
                a["written_by"] if a else "",
                timezone.localtime(a["written_at"]).strftime("%Y-%m-%d %H:%M")
                if a and a["written_at"]
                else "",
            ],
        )
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 80
    return book


def xlsx_response(report):
    return csvexport.xlsx_response(file_name(report, "xlsx"), workbook(report))
