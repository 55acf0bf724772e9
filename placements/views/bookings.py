"""Bookings of study visits, guest lectures and teacher placements: book, see, download the
calendar file, cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from college_portal.accounts.access import role_required, visible_object_or_404
from college_portal.accounts.models import Role

from ..calendar import booking_calendar
from ..forms import BookingForm
from ..models import Booking, BookingStatus, Offer
from ..services import book, cancel_booking
from .common import report_errors, with_status_labels


@require_POST
@role_required(Role.STUDENT, Role.SCHOOL_STAFF)
def book_view(request, pk):
    offer = visible_object_or_404(Offer.objects.select_related("organisation"), request.user, pk=pk)
    for_group = request.user.role == Role.SCHOOL_STAFF
    form = BookingForm(request.POST, offer=offer, for_group=for_group)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("placements:offer_detail", pk=offer.pk)
    data = form.cleaned_data
    try:
        booking = book(
            user=request.user,
            slot_id=data["slot"].pk,
            group_size=data.get("group_size") or 1,
            class_name=data.get("class_name", ""),
            teacher_contact=data.get("teacher_contact", ""),
        )
    except ValidationError as error:
        report_errors(request, error)
        return redirect("placements:offer_detail", pk=offer.pk)
    messages.success(
        request, _("Your booking is confirmed. A confirmation with a calendar file is on its way.")
    )
    return redirect("placements:booking_detail", pk=booking.pk)


@login_required
def booking_detail(request, pk):
    booking = visible_object_or_404(
        Booking.objects.select_related("slot__offer__organisation", "booked_by"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "placements/booking_detail.html",
        {
            "booking": booking,
            "history": with_status_labels(
                list(booking.history.select_related("actor")), BookingStatus
            ),
            "own": booking.booked_by_id == request.user.pk,
        },
    )


@login_required
def booking_ics(request, pk):
    booking = visible_object_or_404(
        Booking.objects.select_related("slot__offer__organisation"), request.user, pk=pk
    )
    response = HttpResponse(booking_calendar(booking), content_type="text/calendar; charset=utf-8")
    kind = booking.slot.offer.kind.replace("_", "-")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{booking.pk}.ics"'
    return response


@login_required
def booking_cancel(request, pk):
    """GET asks for confirmation (a page, no script needed); POST cancels."""
    booking = get_object_or_404(
        Booking.objects.select_related("slot__offer__organisation"), pk=pk, booked_by=request.user
    )
    if request.method != "POST":
        if booking.status != BookingStatus.CONFIRMED:
            return redirect("placements:booking_detail", pk=booking.pk)
        offer = booking.slot.offer
        return render(
            request,
            "placements/confirm.html",
            {
                "title": _("Cancel the booking?"),
                "subject": f"{offer.title} ({offer.organisation.name}), "
                + date_format(timezone.localtime(booking.slot.starts_at), "j F Y H:i"),
                "explanation": _(
                    "The places are freed for others and the company is told. To come after all, you must book again if there are places left."
                ),
                "action": _("Yes, cancel the booking"),
                "back_url": reverse("placements:booking_detail", args=[booking.pk]),
            },
        )
    try:
        cancel_booking(user=request.user, booking_id=booking.pk)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("The booking is cancelled and the places are free for others."))
    return redirect("placements:booking_detail", pk=booking.pk)
