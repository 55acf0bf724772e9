"""The demand/supply table as CSV (Excel's Swedish settings) and XLSX (openpyxl): the figures
per area, per area and municipality, and in the workbook the companies' answers and the
programmes behind them. For project leads and steering groups only: company-level figures."""


from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from college_portal.csvexport import csv_response, xlsx_append, xlsx_response

from .models import NeedAnswer
from .supply import supply_table


def file_name(report, extension):
    """ASCII only (a header value): e.g. behov-och-utbildning-2026-sodertalje.xlsx."""
    place = report.municipality or _("county")
    base = _("demand-and-supply")
    return f"{slugify(base)}-{report.year}-{slugify(place)}.{extension}"


def settings_line(report):
    return [
        _("Needs inventory"),
        str(report.round) if report.round else _("none yet"),
        _("Supply in the year"),
        report.year,
        _("Municipality"),
        report.municipality or _("All of Stockholm county"),
    ]


def supply_header(report):
    return ngettext(
        "Supply within %(years)s year (%(measure)s)",
        "Supply within %(years)s years (%(measure)s)",
        report.horizon,
    ) % {"years": report.horizon, "measure": report.measure_label}


def area_headers(report):
    return [
        _("Competence area"),
        _("SSYK 2012"),
        _("Companies answered"),
        _("Need within 1 year"),
        _("Need within 3 years"),
        _("Need within 5 years"),
        _("Programmes"),
        _("Seats"),
        _("Admitted"),
        pgettext("supply", "Completed"),
        supply_header(report),
        _("Gap (need − supply)"),
        _("Supply as percentage of need"),
        _("Status"),
    ]


def area_row(row):
    f, c = row.figures, row.comparison
    return [
        row.area.name,
        row.area.ssyk_code,
        f.companies,
        f.need_1,
        f.need_3,
        f.need_5,
        f.programmes,
        f.seats,
        f.admitted,
        f.completed,
        c.supply,
        c.gap,
        "" if c.ratio is None else c.ratio,
        str(c.status_label),
    ]


def cell_headers(report):
    return [
        _("Competence area"),
        _("Municipality"),
        _("Companies answered"),
        ngettext("Need within %(years)s year", "Need within %(years)s years", report.horizon)
        % {"years": report.horizon},
        supply_header(report),
        _("Gap (need − supply)"),
        _("Supply as percentage of need"),
        _("Status"),
    ]


def cell_row(row):
    c = row.comparison
    return [
        row.area.name,
        row.municipality or _("Municipality not given"),
        row.figures.companies,
        c.need,
        c.supply,
        c.gap,
        "" if c.ratio is None else c.ratio,
        str(c.status_label),
    ]


def csv_export(report):
    rows = [settings_line(report), [], area_headers(report)]
    rows += [area_row(row) for row in report.areas]
    rows += [[], cell_headers(report)] + [cell_row(row) for row in report.cells]
    return csv_response(file_name(report, "csv"), rows[0], rows[1:])


def _sheet(book, title, headers, rows, first_line=None):
    sheet = book.create_sheet(title[:31])
    if first_line:
        xlsx_append(sheet, first_line)
    xlsx_append(sheet, headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, row)
    sheet.column_dimensions["A"].width = 36
    return sheet


def answers_of(report):
    if report.round is None:
        return []
    answers = NeedAnswer.objects.filter(round=report.round, current=True, area__active=True)
    if report.municipality:
        answers = answers.filter(organisation__municipality=report.municipality)
    return answers.select_related("organisation", "area").order_by(
        "area__order", "area__name_sv", "organisation__name"
    )


def xlsx_export(report):
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        _("Per area"),
        area_headers(report),
        [area_row(row) for row in report.areas],
        first_line=settings_line(report),
    )
    _sheet(
        book,
        _("Per area and municipality"),
        cell_headers(report),
        [cell_row(row) for row in report.cells],
    )
    _sheet(
        book,
        _("Stated needs"),
        [
            _("Competence area"),
            _("Company"),
            _("Municipality"),
            _("Need within 1 year"),
            _("Need within 3 years"),
            _("Need within 5 years"),
            _("Comment"),
        ],
        [
            [
                a.area.name,
                a.organisation.name,
                a.organisation.municipality,
                a.within_1_year,
                a.within_3_years,
                a.within_5_years,
                a.comment,
            ]
            for a in answers_of(report)
        ],
    )
    areas = {row.area.pk: row.area.name for row in report.areas}
    _sheet(
        book,
        _("Programmes"),
        *supply_table(report.supplies, areas),
    )
    return xlsx_response(file_name(report, "xlsx"), book)
