"""The yearly report's pages: the list of years, a year's report (also as PDF and XLSX),
writing an assessment and freezing a year."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .access import can_freeze, can_read, can_write, readable_years, valid_year
from .criteria import CRITERIA, CRITERION_NUMBERS
from .exports import pdf_response, xlsx_response
from .forms import AssessmentForm, FreezeForm
from .models import FrozenReport
from .report import build_report
from .selectors import report_years
from .services import YearFrozen, freeze_year, save_assessment


def _readable_year(request, year):
    """404 for a year no report can be about; 403 for a person who may not read it."""
    if not valid_year(year):
        raise Http404
    if not can_read(request.user, year):
        raise PermissionDenied


@login_required
def year_list(request):
    years = readable_years(request.user, report_years())
    if not years and not request.user.is_staff:
        raise PermissionDenied
    frozen = dict(FrozenReport.objects.filter(year__in=years).values_list("year", "frozen_at"))
    rows = [{"year": year, "frozen_at": frozen.get(year)} for year in years]
    return render(request, "yearly/year_list.html", {"rows": rows})


def _page(request, year, *, bound=None, freeze_form=None, status=200):
    report = build_report(year)
    writable = report.frozen is None and can_write(request.user, year)
    for criterion in report.criteria:
        if bound is not None and bound[0] == criterion.number:
            criterion.form = bound[1]
        elif writable:
            text = criterion.assessment["text"] if criterion.assessment else ""
            criterion.form = AssessmentForm(criterion=criterion, initial={"text": text})
    freezable = report.frozen is None and can_freeze(request.user)
    context = {
        "report": report,
        "writable": writable,
        "freezable": freezable,
        "freeze_form": freeze_form or (FreezeForm() if freezable else None),
        "can_unfreeze": report.frozen is not None and can_freeze(request.user),
    }
    return render(request, "yearly/report.html", context, status=status)


@login_required
def year_report(request, year):
    _readable_year(request, year)
    wanted = request.GET.get("format")
    if wanted == "pdf":
        return pdf_response(request, build_report(year))
    if wanted == "xlsx":
        return xlsx_response(build_report(year))
    return _page(request, year)


@login_required
@require_POST
def assess(request, year, criterion):
    _readable_year(request, year)
    if criterion not in CRITERION_NUMBERS:
        raise Http404
    if not can_write(request.user, year):
        raise PermissionDenied
    page = reverse("yearly:detail", args=[year])
    form = AssessmentForm(request.POST, criterion=CRITERIA[criterion - 1])
    if not form.is_valid():
        return _page(request, year, bound=(criterion, form))
    try:
        saved = save_assessment(
            year=year, criterion=criterion, text=form.cleaned_data["text"], user=request.user
        )
    except YearFrozen as refused:
        messages.error(request, refused.message)
        return redirect(f"{page}#criterion-{criterion}")
    if saved is None:
        messages.info(request, _("The assessment was not changed."))
    else:
        messages.success(request, _("The assessment has been saved."))
    return redirect(f"{page}#criterion-{criterion}")


@login_required
@require_POST
def freeze(request, year):
    _readable_year(request, year)
    if not can_freeze(request.user):
        raise PermissionDenied
    form = FreezeForm(request.POST)
    if not form.is_valid():
        return _page(request, year, freeze_form=form)
    try:
        freeze_year(year=year, user=request.user)
    except YearFrozen as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("The report for %(year)s is frozen: its figures and assessments no longer change.")
            % {"year": year},
        )
    return redirect("yearly:detail", year=year)
