"""Pages of demand against supply: the project leads' and steering groups' page with its
drill-down per area and its CSV/XLSX exports, and the public aggregate for students and
parents ("where the jobs are")."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from college_portal.pagecache import public_page

from . import gap_exports
from .gap import MIN_COMPANIES, area_detail, gap_report, latest_round, may_see_gap, public_report
from .gap_forms import GapFilter
from .models import CompetenceArea, Programme


def gap_readers_only(view):
    """Project leads and steering-group members; others 403, visitors to the login page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not may_see_gap(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _query(choice):
    """The choices as a query string, for links that keep them (drill-down, exports)."""
    return urlencode(
        {
            "round": choice["round_"].pk if choice["round_"] else "",
            "year": choice["year"],
            "municipality": choice["municipality"],
            "horizon": choice["horizon"],
            "measure": choice["measure"],
        }
    )


@gap_readers_only
def gap_page(request):
    form = GapFilter(request.GET or None)
    choice = form.choices()
    report = gap_report(**choice)
    export = request.GET.get("format")
    if export == "csv":
        return gap_exports.csv_export(report)
    if export == "xlsx":
        return gap_exports.xlsx_export(report)
    return render(
        request,
        "programs/gap/page.html",
        {"form": form, "report": report, "chart": report.chart, "query": _query(choice)},
    )


@gap_readers_only
def gap_area(request, pk):
    area = get_object_or_404(CompetenceArea, pk=pk, active=True)
    form = GapFilter(request.GET or None)
    choice = form.choices()
    report = gap_report(**choice)
    answers, supplies = area_detail(area, report)
    return render(
        request,
        "programs/gap/area.html",
        {
            "area": area,
            "form": form,
            "report": report,
            "row": next(row for row in report.areas if row.area.pk == area.pk),
            "cells": [row for row in report.cells if row.area.pk == area.pk],
            "answers": answers,
            "supplies": supplies,
            "query": _query(choice),
        },
    )


@public_page
def jobs(request):
    """The public aggregate: no company's figure, no cell from fewer than three companies."""
    round_ = latest_round()
    data = public_report(
        round_=round_,
        year=round_.year if round_ else timezone.localdate().year,
        programmes=Programme.objects.published(),
    )
    return render(request, "programs/gap/public.html", {**data, "min_companies": MIN_COMPANIES})
