"""Pages of allocation rounds: the school's staff prepare and run a round, companies confirm
their places and students, students rank places and read their result."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from college_portal.accounts.access import role_required
from college_portal.accounts.models import Role
from college_portal.csvexport import csv_response, xlsx_append, xlsx_response
from placements.selectors import staff_schools
from placements.views.common import report_errors

from . import services
from .forms import CapacityForm, FollowUpForm, PlaceByHandForm, RankingForm, RoundForm
from .models import Allocation, AllocationStatus, Choice, RoundStatus

staff_only = role_required(Role.SCHOOL_STAFF)


def _act(request, action, **kwargs):
    """Run a service; PermissionDenied is 404 (not yours), a refusal a message. True if done."""
    try:
        action(**kwargs)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        report_errors(request, error)
        return False
    return True


def _round(request, pk):
    round_ = (
        services.staff_rounds(request.user)
        .select_related("school", "programme")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


# --- staff ---------------------------------------------------------------------------------------


@staff_only
def round_list(request):
    rounds = (
        services.staff_rounds(request.user)
        .select_related("school", "programme")
        .annotate(student_count=Count("students", distinct=True))
    )
    return render(request, "rounds/round_list.html", {"rounds": rounds})


@staff_only
def round_create(request):
    schools = staff_schools(request.user).order_by("name")
    form = RoundForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "school"}
        round_ = services.create_round(
            user=request.user, school=form.cleaned_data["school"], **data
        )
        messages.success(request, _("The round is created. Add the class and the places."))
        return redirect("rounds:detail", round_.pk)
    return render(request, "rounds/round_form.html", {"form": form})


def _statistics(round_, allocations):
    """First choice, top three and unplaced, of every student on the list: the allocation's
    figures (placements.allocation.statistics) kept current after placements by hand and
    declines (a student placed by hand outside their choices counts as placed, in neither)."""
    ranks = dict(
        Choice.objects.filter(
            round_student__round=round_, place=F("round_student__allocation__place")
        ).values_list("round_student", "rank")
    )
    total = len(allocations)
    unplaced = sum(
        1 for a in allocations if a.place_id is None or a.status == AllocationStatus.DECLINED
    )
    held = [
        ranks.get(a.round_student_id)
        for a in allocations
        if a.place_id and a.status != AllocationStatus.DECLINED
    ]
    first = sum(1 for rank in held if rank == 1)
    top3 = sum(1 for rank in held if rank is not None and rank <= 3)
    return {"students": total, "first_choice": first, "top_three": top3, "unplaced": unplaced}


@staff_only
def round_detail(request, pk):
    round_ = _round(request, pk)
    round_students = list(
        round_.students.select_related("student").annotate(choice_count=Count("choices"))
    )
    places = list(round_.places.select_related("offer__organisation"))
    context = {"round": round_, "round_students": round_students, "places": places}
    if round_.status in (RoundStatus.DRAFT, RoundStatus.OPEN):
        context["eligible_students"] = services.eligible_students(round_)
    if round_.status == RoundStatus.DRAFT:
        context["eligible_offers"] = services.eligible_offers(round_)
    if round_.status in (RoundStatus.ALLOCATED, RoundStatus.CLOSED):
        allocations = list(
            Allocation.objects.filter(round_student__round=round_).select_related(
                "round_student__student", "place__offer__organisation"
            )
        )
        free = services.free_places(round_)
        context.update(
            allocations=allocations,
            stats=_statistics(round_, allocations),
            unplaced=[
                a
                for a in allocations
                if a.place_id is None or a.status == AllocationStatus.DECLINED
            ],
            free_places=free if round_.status == RoundStatus.ALLOCATED else [],
            free_places_any=bool(free),
        )
    return render(request, "rounds/round_detail.html", context)


@require_POST
@staff_only
def add_students(request, pk):
    ids = [int(v) for v in request.POST.getlist("students") if v.isdigit()]
    if _act(request, services.add_students, user=request.user, round_id=pk, student_ids=ids):
        messages.success(request, _("The class list is updated."))
    return redirect("rounds:detail", pk)


@require_POST
@staff_only
def add_offers(request, pk):
    if request.POST.get("all"):
        ids = None
    else:
        ids = [int(v) for v in request.POST.getlist("offers") if v.isdigit()]
    if _act(request, services.add_offers, user=request.user, round_id=pk, offer_ids=ids):
        messages.success(
            request, _("The places are added; the companies are asked to confirm them.")
        )
    return redirect("rounds:detail", pk)


@require_POST
@staff_only
def open_choices(request, pk):
    if _act(request, services.open_round, user=request.user, round_id=pk):
        messages.success(request, _("The choices are open; the students are told."))
    return redirect("rounds:detail", pk)


@require_POST
@staff_only
def allocate_round(request, pk):
    _round(request, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that the choices close now."))
        return redirect("rounds:detail", pk)
    if _act(request, services.run_allocation, user=request.user, round_id=pk):
        messages.success(request, _("The places are allocated."))
    return redirect("rounds:detail", pk)


@require_POST
@staff_only
def place_by_hand(request, pk):
    round_ = _round(request, pk)
    form = PlaceByHandForm(request.POST, places=services.free_places(round_))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("rounds:detail", pk)
    if _act(
        request,
        services.place_by_hand,
        user=request.user,
        round_id=pk,
        allocation_id=form.cleaned_data["allocation"],
        place_id=form.cleaned_data["place"],
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("The student is placed."))
    return redirect("rounds:detail", pk)


@staff_only
def follow_up(request, pk):
    parent = _round(request, pk)
    if parent.status not in (RoundStatus.ALLOCATED, RoundStatus.CLOSED):
        raise Http404
    form = FollowUpForm(
        request.POST or None,
        parent=parent,
        initial={"title": _("%(title)s, follow-up round") % {"title": parent.title}},
    )
    if request.method == "POST" and form.is_valid():
        round_ = None
        try:
            round_ = services.start_follow_up(user=request.user, round_id=pk, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            report_errors(request, error)
        if round_ is not None:
            messages.success(
                request,
                _("The follow-up round is created with the unplaced students and the free seats."),
            )
            return redirect("rounds:detail", round_.pk)
    return render(request, "rounds/follow_up_form.html", {"form": form, "parent": parent})


@require_POST
@staff_only
def close_round(request, pk):
    if not request.POST.get("confirm"):
        _round(request, pk)
        messages.error(request, _("Tick the box to confirm that the round closes."))
        return redirect("rounds:detail", pk)
    if _act(request, services.close_round, user=request.user, round_id=pk):
        messages.success(request, _("The round is closed; its results are kept read-only."))
    return redirect("rounds:detail", pk)


@staff_only
def download_inputs(request, pk):
    round_ = _round(request, pk)
    if round_.inputs is None:
        raise Http404
    response = HttpResponse(
        json.dumps(round_.inputs, ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="round-{round_.pk}-input.json"'
    return response


def _matching_table(round_):
    """The matching as a header and one row per student, for the CSV and the XLSX."""
    allocations = Allocation.objects.filter(round_student__round=round_).select_related(
        "round_student__student", "place__offer__organisation"
    )
    ranks = {
        (rs, place): rank
        for rs, place, rank in Choice.objects.filter(round_student__round=round_).values_list(
            "round_student", "place", "rank"
        )
    }
    rows = [
        (
            a.round_student.student.get_full_name(),
            a.round_student.student.email,
            a.place.offer.organisation.name if a.place else "",
            a.place.offer.title if a.place else "",
            ranks.get((a.round_student_id, a.place_id), "") if a.place else "",
            a.get_status_display() if a.place else _("Unplaced"),
            _("yes") if a.manual else "",
        )
        for a in allocations
    ]
    header = [
        _("Student"),
        _("E-mail"),
        _("Company"),
        _("Place"),
        _("Choice"),
        _("Status"),
        _("Placed by hand"),
    ]
    return header, rows


def _allocated_round(request, pk):
    round_ = _round(request, pk)
    if round_.status not in (RoundStatus.ALLOCATED, RoundStatus.CLOSED):
        raise Http404
    return round_


@staff_only
def export_matching(request, pk):
    round_ = _allocated_round(request, pk)
    header, rows = _matching_table(round_)
    return csv_response(f"round-{round_.pk}.csv", header, rows)


@staff_only
def export_matching_xlsx(request, pk):
    round_ = _allocated_round(request, pk)
    header, rows = _matching_table(round_)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Matching")[:31]
    xlsx_append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, list(row))
    return xlsx_response(f"round-{round_.pk}.xlsx", book)


# --- companies -----------------------------------------------------------------------------------


@role_required(Role.COMPANY_REP)
def company_places(request):
    places = list(
        services.company_places(request.user)
        .exclude(round__status=RoundStatus.CLOSED)
        .select_related("round__school", "offer")
        .prefetch_related(
            Prefetch(
                "choices",
                queryset=Choice.objects.filter(round_student__round__status=RoundStatus.OPEN)
                .select_related("round_student__student")
                .order_by("company_rank", "round_student__student__full_name"),
                to_attr="applicants",
            ),
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(
                    round_student__round__status=RoundStatus.ALLOCATED
                ).select_related("round_student__student"),
            ),
        )
        .order_by("round__choices_deadline", "offer__title")
    )
    for place in places:
        place.form = CapacityForm(
            initial={
                "capacity": place.capacity if place.capacity is not None else place.offer.places
            },
            prefix=f"p{place.pk}",
        )
    return render(request, "rounds/company_places.html", {"places": places})


@require_POST
@role_required(Role.COMPANY_REP)
def confirm_capacity(request, pk):
    form = CapacityForm(request.POST, prefix=f"p{pk}")
    if not form.is_valid():
        if not services.company_places(request.user).filter(pk=pk).exists():
            raise Http404
        messages.error(request, _("Enter a number of places from 0 to 500."))
    elif _act(
        request,
        services.confirm_capacity,
        user=request.user,
        place_id=pk,
        capacity=form.cleaned_data["capacity"],
    ):
        messages.success(request, _("The places are confirmed."))
    return redirect("rounds:company_places")


@require_POST
@role_required(Role.COMPANY_REP)
def rank_applicants(request, pk):
    ranking = {}
    for key, value in request.POST.items():
        if key.startswith("rank_") and key[5:].isdigit():
            value = value.strip()
            if value and not value.isdigit():
                if not services.company_places(request.user).filter(pk=pk).exists():
                    raise Http404
                messages.error(request, _("Give each applicant their own rank: 1, 2, 3 …"))
                return redirect("rounds:company_places")
            ranking[int(key[5:])] = int(value) if value else None
    if _act(request, services.rank_applicants, user=request.user, place_id=pk, ranking=ranking):
        messages.success(request, _("Your ranking of the applicants is saved."))
    return redirect("rounds:company_places")


@require_POST
@role_required(Role.COMPANY_REP)
def confirm_student(request, pk):
    if _act(request, services.confirm_student, user=request.user, allocation_id=pk):
        messages.success(request, _("The student is confirmed; the start information is sent."))
    return redirect("rounds:company_places")


@require_POST
@role_required(Role.COMPANY_REP)
def decline_student(request, pk):
    reason = request.POST.get("reason", "")[:1000]
    if _act(request, services.decline_student, user=request.user, allocation_id=pk, reason=reason):
        messages.success(
            request, _("The student is declined; the school can place them elsewhere.")
        )
    return redirect("rounds:company_places")


# --- students ------------------------------------------------------------------------------------


@login_required
def choose(request, pk):
    round_student = (
        services.student_rounds(request.user).select_related("round__school").filter(pk=pk).first()
    )
    if round_student is None:
        raise Http404
    round_ = round_student.round
    if round_.status != RoundStatus.OPEN:
        return _result(request, round_student)
    places = services.choosable_places(round_)
    current = {c.place_id: (c.rank, c.motivation) for c in round_student.choices.all()}
    form = RankingForm(
        request.POST or None, places=places, allowed=round_.choices_allowed, initial_choices=current
    )
    if request.method == "POST" and form.is_valid():
        if _act(
            request,
            services.save_choices,
            student=request.user,
            round_student_id=round_student.pk,
            ranking=form.ranking(),
        ):
            messages.success(
                request, _("Your choices are saved. You can change them until the last day.")
            )
            return redirect("rounds:choose", pk)
    return render(
        request,
        "rounds/choose.html",
        {"round": round_, "round_student": round_student, "form": form, "chosen": len(current)},
    )


def _result(request, round_student):
    round_ = round_student.round
    allocation = (
        Allocation.objects.filter(round_student=round_student)
        .select_related("place__offer__organisation")
        .first()
    )
    choices = list(round_student.choices.select_related("place__offer__organisation"))
    by_place = {c.place_id: c for c in choices}
    reasons = []
    for why in allocation.explanation if allocation else []:
        choice = by_place.get(why["place"])
        reasons.append({"choice": choice, **why})
    return render(
        request,
        "rounds/result.html",
        {"round": round_, "allocation": allocation, "reasons": reasons, "choices": choices},
    )
