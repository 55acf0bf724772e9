"""Applications: students apply and withdraw; representatives review, decide and complete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from college_portal.accounts.access import role_required, visible_object_or_404
from college_portal.accounts.models import Role

from .. import selectors
from ..forms import ApplicationForm, DecisionForm
from ..models import FILLED, Application, ApplicationStatus, Offer
from ..services import (
    apply,
    complete,
    decide,
    withdraw,
)
from .common import report_errors, with_status_labels


@require_POST
@role_required(Role.STUDENT)
def apply_view(request, pk):
    offer = visible_object_or_404(Offer.objects.select_related("organisation"), request.user, pk=pk)
    form = ApplicationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            application = apply(
                student=request.user,
                offer_id=offer.pk,
                motivation=form.cleaned_data["motivation"],
                cv=form.cleaned_data.get("cv"),
            )
        except ValidationError as error:
            report_errors(request, error)
            return redirect("placements:offer_detail", pk=offer.pk)
        messages.success(
            request,
            _(
                "Your application has been sent. You will get an e-mail when the company has decided."
            ),
        )
        return redirect("placements:application_detail", pk=application.pk)
    return render(
        request,
        "placements/offer_detail.html",
        {"offer": offer, "apply_form": form, "slots": [], "places_left": None},
        status=400,
    )


@login_required
def application_detail(request, pk):
    application = visible_object_or_404(
        Application.objects.select_related("offer__organisation", "student"), request.user, pk=pk
    )
    user = request.user
    deciding = Application.objects.decidable_by(user).filter(pk=application.pk).exists()
    history = with_status_labels(
        list(application.history.select_related("actor")), ApplicationStatus
    )
    return render(
        request,
        "placements/application_detail.html",
        {
            "application": application,
            "history": history,
            "deciding": deciding,
            "decision_form": DecisionForm(application=application)
            if deciding and application.allowed_decisions
            else None,
            "overlapping": list(selectors.overlapping_placements(application)) if deciding else [],
            "own": application.student_id == user.pk,
            "can_see_cv": bool(application.cv) and (deciding or application.student_id == user.pk),
        },
    )


@login_required
def application_cv(request, pk):
    """The CV, only to the applicant and the offer's organisation (not to school staff)."""
    application = get_object_or_404(
        Application.objects.filter(
            Q(student=request.user) | Q(offer__organisation__memberships__user=request.user)
        ).distinct(),
        pk=pk,
    )
    if not application.cv:
        raise Http404
    response = FileResponse(application.cv.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="cv-{application.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(Role.COMPANY_REP)
def decide_view(request, pk):
    application = get_object_or_404(Application.objects.decidable_by(request.user), pk=pk)
    form = DecisionForm(request.POST, application=application)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("placements:application_detail", pk=pk)
    try:
        decide(
            user=request.user,
            application_id=pk,
            decision=form.cleaned_data["decision"],
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The decision has been saved and the student informed."))
    return redirect("placements:application_detail", pk=pk)


@require_POST
@role_required(Role.COMPANY_REP)
def complete_view(request, pk):
    try:
        complete(user=request.user, application_id=pk)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The placement is marked as completed."))
    return redirect("placements:application_detail", pk=pk)


@role_required(Role.STUDENT)
def withdraw_view(request, pk):
    """GET asks for confirmation (a page, no script needed); POST withdraws."""
    application = get_object_or_404(
        Application.objects.select_related("offer__organisation"), pk=pk, student=request.user
    )
    if request.method != "POST":
        if not application.can_withdraw:
            return redirect("placements:application_detail", pk=application.pk)
        return render(
            request,
            "placements/confirm.html",
            {
                "title": _("Withdraw your application?"),
                "subject": f"{application.offer.title} ({application.offer.organisation.name})",
                "explanation": _(
                    "The company is told, and your place goes to someone else. You can apply once more while the offer is open, but only once."
                ),
                "action": _("Yes, withdraw my application"),
                "back_url": reverse("placements:application_detail", args=[application.pk]),
            },
        )
    try:
        withdraw(student=request.user, application_id=application.pk)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("placements:application_detail", pk=application.pk)


@role_required(Role.COMPANY_REP)
def applicants(request, pk):
    """All applicants of one of the user's organisation's offers, needing a decision first."""
    offer = get_object_or_404(
        Offer.objects.managed_by(request.user).select_related("organisation"), pk=pk
    )
    if not offer.is_internship:
        # A study visit takes bookings, not applications: its host reads who is coming there.
        return redirect("placements:offer_bookings", pk=offer.pk)
    page = Paginator(selectors.applicants(offer), 50).get_page(request.GET.get("page"))
    counts = dict(offer.applications.values_list("status").annotate(n=Count("pk")))
    left = selectors.places_left(offer, filled=sum(counts.get(s, 0) for s in FILLED))
    return render(
        request,
        "placements/applicants.html",
        {
            "offer": offer,
            "applications": page.object_list,
            "page": page,
            "counts": [(label, counts.get(value, 0)) for value, label in ApplicationStatus.choices],
            "places_left": left,
            "next_waitlisted": selectors.first_waitlisted(offer) if left else None,
        },
    )
