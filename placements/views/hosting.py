"""The host's side of an offer booked on times (a study visit, guest lecture or teacher
placement): who has booked each time, and cancelling a time."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import SlotCancelForm
from ..models import BOOKED_KINDS, BookingStatus, Offer, Slot
from ..services import cancel_slot
from .common import report_errors


@login_required
def offer_bookings(request, pk):
    """Each time of one of the user's organisation's booked offers with its bookings; others
    (another company, students, teachers) get 404, as if the page did not exist."""
    offer = get_object_or_404(
        selectors.hosted_offers(request.user)
        .filter(kind__in=BOOKED_KINDS)
        .select_related("organisation"),
        pk=pk,
    )
    slots = selectors.bookings_by_slot(offer)
    now = timezone.now()
    return render(
        request,
        "placements/offer_bookings.html",
        {
            "offer": offer,
            "slots": slots,
            "can_cancel": Offer.objects.managed_by(request.user).filter(pk=offer.pk).exists(),
            "upcoming_people": sum(s.places_taken for s in slots if s.is_bookable),
            "now": now,
        },
    )


@login_required
def slot_cancel(request, pk):
    """GET asks for a message and a confirmation (a page, no script needed); POST cancels."""
    slot = get_object_or_404(
        Slot.objects.filter(offer__in=Offer.objects.managed_by(request.user)).select_related(
            "offer__organisation"
        ),
        pk=pk,
    )
    back = redirect("placements:offer_bookings", pk=slot.offer_id)
    if slot.cancelled_at is not None:
        messages.error(request, _("This time is already cancelled."))
        return back
    form = SlotCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_slot(user=request.user, slot_id=slot.pk, message=form.cleaned_data["message"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            report_errors(request, error)
            return back
        messages.success(
            request, _("The time is cancelled. Everyone who had booked it is told by e-mail.")
        )
        return back
    bookings = slot.bookings.filter(status=BookingStatus.CONFIRMED).count()
    return render(
        request,
        "placements/slot_cancel.html",
        {"slot": slot, "offer": slot.offer, "form": form, "bookings": bookings},
        status=400 if form.is_bound else 200,
    )
