"""The APL agreement of a placement: the company fills it in and gives the final assessment;
the student and their confirmed school's staff read it; the school states the student's age;
the company or the school marks the placement started."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from college_portal.accounts.access import role_required
from college_portal.accounts.models import Role

from .. import agreements
from ..agreement_forms import (
    AgeForm,
    AgreementForm,
    AssessmentForm,
    AttendanceForm,
    ConversationForm,
)
from ..models import PlacementAgreement
from .common import report_errors


def _agreement(application):
    return (
        PlacementAgreement.objects.filter(application=application)
        .prefetch_related("objectives", "assessments__course")
        .first()
    )


def _filled_in(request, placements, pk):
    """The placement among `placements` (404 otherwise) and its agreement; None for the
    agreement, with a message, while the company has not filled it in."""
    application = get_object_or_404(
        placements.select_related("offer__organisation", "student"), pk=pk
    )
    agreement = _agreement(application)
    if agreement is None:
        messages.error(request, _("The company has not filled in the agreement yet."))
    return application, agreement


@login_required
def agreement_detail(request, pk):
    """Read by the student, the company, the student's confirmed school's staff and leads;
    anyone else gets 404, as for the application itself."""
    application = get_object_or_404(
        agreements.placements_visible_to(request.user).select_related(
            "offer__organisation", "student"
        ),
        pk=pk,
    )
    user = request.user
    agreement = _agreement(application)
    managing = agreements.placements_managed_by(user).filter(pk=pk).exists()
    of_school = agreements.placements_of_school_staff(user).filter(pk=pk).exists()
    return render(
        request,
        "placements/agreement_detail.html",
        {
            "application": application,
            "agreement": agreement,
            "managing": managing,
            "of_school": of_school,
            "age_form": AgeForm(initial={"under_18": "yes" if agreement.student_under_18 else "no"})
            if of_school and agreement
            else None,
            "can_start": (managing or of_school)
            and agreement is not None
            and agreement.started_at is None
            and application.status == "accepted",
            "can_assess": managing
            and agreement is not None
            and agreements.can_be_assessed(application),
            "assessments": list(agreement.assessments.all()) if agreement else [],
            "attendance": list(agreement.attendance.all()) if agreement else [],
            # The student's weeks are theirs and their school's, not the company's business.
            "weeks": agreements.apl_weeks(application.student)
            if application.student_id == user.pk or of_school or user.is_staff
            else None,
        },
    )


@role_required(Role.COMPANY_REP)
def agreement_edit(request, pk):
    """The company fills in the agreement; it is created by the first save."""
    application = get_object_or_404(
        agreements.placements_managed_by(request.user).select_related(
            "offer__organisation", "student"
        ),
        pk=pk,
    )
    agreement = _agreement(application)
    initial = agreements.initial_values(application) if agreement is None else None
    form = AgreementForm(
        request.POST or None, instance=agreement, initial=initial, application=application
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreements.save_agreement(
                user=request.user,
                application_id=application.pk,
                values=form.values(),
                objectives=form.cleaned_data["objectives"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The agreement has been saved."))
            return redirect("placements:agreement", pk=application.pk)
    return render(
        request,
        "placements/agreement_form.html",
        {"application": application, "form": form, "agreement": agreement},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.SCHOOL_STAFF)
def agreement_age(request, pk):
    form = AgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the student is under 18."))
        return redirect("placements:agreement", pk=pk)
    try:
        agreements.set_student_age(
            user=request.user, application_id=pk, under_18=form.cleaned_data["under_18"]
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The student's age has been saved."))
    return redirect("placements:agreement", pk=pk)


@require_POST
@role_required(Role.COMPANY_REP, Role.SCHOOL_STAFF)
def agreement_start(request, pk):
    try:
        agreements.start_placement(user=request.user, application_id=pk)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The placement is marked as started."))
    return redirect("placements:agreement", pk=pk)


@role_required(Role.COMPANY_REP)
def agreement_assess(request, pk):
    application = get_object_or_404(
        agreements.placements_managed_by(request.user).select_related("offer__organisation"),
        pk=pk,
    )
    agreement = _agreement(application)
    if agreement is None or not agreements.can_be_assessed(application):
        messages.error(
            request,
            _("The final assessment is given when the period ends or the placement is completed."),
        )
        return redirect("placements:agreement", pk=pk)
    form = AssessmentForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.save_assessment(user=request.user, application_id=pk, levels=form.levels())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The final assessment has been saved."))
            return redirect("placements:agreement", pk=pk)
    return render(
        request,
        "placements/agreement_assess.html",
        {"application": application, "agreement": agreement, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.SCHOOL_STAFF)
def agreement_conversation(request, pk):
    """The student's teacher books the three-party conversation and records its notes."""
    application, agreement = _filled_in(
        request, agreements.placements_of_school_staff(request.user), pk
    )
    if agreement is None:
        return redirect("placements:agreement", pk=pk)
    form = ConversationForm(
        request.POST or None,
        initial={"on": agreement.conversation_on, "notes": agreement.conversation_notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreements.save_conversation(
                user=request.user,
                application_id=pk,
                on=form.cleaned_data["on"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            form.add_error("on", error)
        else:
            messages.success(request, _("The three-party conversation has been saved."))
            return redirect("placements:agreement", pk=pk)
    return render(
        request,
        "placements/agreement_conversation.html",
        {"application": application, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.COMPANY_REP)
def agreement_attendance(request, pk):
    """The company records the days present in each week of the period."""
    application, agreement = _filled_in(
        request, agreements.placements_managed_by(request.user), pk
    )
    if agreement is None:
        return redirect("placements:agreement", pk=pk)
    form = AttendanceForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.save_attendance(user=request.user, application_id=pk, days=form.days())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The attendance has been saved."))
            return redirect("placements:agreement", pk=pk)
    return render(
        request,
        "placements/agreement_attendance.html",
        {"application": application, "form": form},
        status=400 if request.method == "POST" else 200,
    )
