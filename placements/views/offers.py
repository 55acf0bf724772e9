"""Offer list and page for everyone; create, edit, publish, close and copy for representatives."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from college_portal.accounts.access import role_required, visible_object_or_404
from college_portal.accounts.models import Role
from college_portal.opendata import json_ld_many
from college_portal.pagecache import public_page, shared_fragment
from college_portal.pagination import paginated
from partners.models import Organisation

from .. import selectors
from ..forms import ApplicationForm, BookingForm, OfferFilter, OfferForm, SlotFormSet
from ..models import Booking, BookingStatus, Offer
from ..selectors import application_state
from ..services import (
    close_offer,
    copy_offer,
    publish_offer,
    save_offer,
    save_slots,
)
from ..structured_data import offer_json_ld
from .common import report_errors


@public_page
def offer_list(request):
    # No join that repeats rows (the programme filter is an EXISTS), so no DISTINCT and no
    # aggregate: the paginator's COUNT and the page are plain queries over offers and their
    # organisation; the partial index offer_listed_recent_idx serves the order.
    # The filter form, the count and the page of offers are the same for everyone: signed-in
    # people get them from the cache too (visitors get the whole page from it).
    def listing():
        base = Offer.objects.listed().select_related("organisation")
        base = base.order_by("-published_at", "-pk")
        filterset = OfferFilter(request.GET or None, queryset=base)
        offers = filterset.qs if filterset.is_bound and filterset.is_valid() else base
        context = {"filter": filterset, **paginated(request, offers, 20)}
        return render_to_string("placements/offer_list_results.html", context, request)

    listing = shared_fragment(request, "offer-list", listing)
    return render(request, "placements/offer_list.html", {"listing": listing})


@public_page
def offer_detail(request, pk):
    offer = visible_object_or_404(
        Offer.objects.select_related("organisation").prefetch_related("programmes"),
        request.user,
        pk=pk,
    )
    user = request.user
    slots = list(offer.slots.filter(cancelled_at__isnull=True).order_by("starts_at"))
    context = {
        "offer": offer,
        "slots": slots,
        "structured_data": json_ld_many(*offer_json_ld(request, offer, slots)),
        "places_left": selectors.places_left(offer),
        "manages": Organisation.objects.acted_for_by(user)
        .filter(pk=offer.organisation_id)
        .exists(),
        "now": timezone.now(),
    }
    if user.is_authenticated and user.role == Role.STUDENT and offer.is_internship:
        context.update(application_state(student=user, offer=offer))
        if context["can_apply"]:
            context["apply_form"] = ApplicationForm()
    if user.is_authenticated and user.role in (Role.STUDENT, Role.SCHOOL_STAFF):
        context["my_bookings"] = list(
            Booking.objects.filter(
                slot__offer=offer, booked_by=user, status=BookingStatus.CONFIRMED
            ).select_related("slot")
        )
        for_group = user.role == Role.SCHOOL_STAFF
        if offer.takes_bookings and (for_group or not offer.staff_only):
            context["booking_form"] = BookingForm(offer=offer, for_group=for_group)
    return render(request, "placements/offer_detail.html", context)


def _edit(request, offer, organisations):
    form = OfferForm(request.POST or None, instance=offer, organisations=organisations)
    formset = SlotFormSet(request.POST or None, instance=offer, prefix="slots")
    is_new = offer.pk is None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                saved = save_offer(
                    user=request.user,
                    offer=form.save(commit=False),
                    programmes=form.cleaned_data["programmes"],
                )
                save_slots(user=request.user, offer=saved, **formset.changes())
        except ValidationError as error:
            # A booking came in meanwhile: nothing was saved; say why, keep what was typed.
            if is_new:
                offer.pk = None
            formset.show_refusal(error)
        else:
            messages.success(
                request, _("The offer has been saved. Check the preview, then publish it.")
            )
            return redirect("placements:offer_detail", pk=saved.pk)
    return render(
        request, "placements/offer_form.html", {"form": form, "formset": formset, "offer": offer}
    )


@role_required(Role.COMPANY_REP)
def offer_create(request):
    organisations = Organisation.objects.acted_for_by(request.user)
    if not organisations.exists():
        messages.error(request, _("Your account is not linked to an organisation."))
        return redirect("dashboard")
    return _edit(request, Offer(), organisations)


@role_required(Role.COMPANY_REP)
def offer_edit(request, pk):
    offer = get_object_or_404(Offer.objects.managed_by(request.user), pk=pk)
    return _edit(request, offer, Organisation.objects.acted_for_by(request.user))


def _offer_action(request, pk, action, success):
    offer = get_object_or_404(Offer.objects.managed_by(request.user), pk=pk)
    try:
        result = action(user=request.user, offer_id=offer.pk)
    except ValidationError as error:
        report_errors(request, error)
        return redirect("placements:offer_detail", pk=offer.pk)
    messages.success(request, success)
    return redirect("placements:offer_detail", pk=result.pk)


@require_POST
@role_required(Role.COMPANY_REP)
def offer_publish(request, pk):
    return _offer_action(request, pk, publish_offer, _("The offer is published."))


@require_POST
@role_required(Role.COMPANY_REP)
def offer_close(request, pk):
    return _offer_action(
        request, pk, close_offer, _("The offer is closed. No new applications or bookings.")
    )


@require_POST
@role_required(Role.COMPANY_REP)
def offer_copy(request, pk):
    return _offer_action(
        request, pk, copy_offer, _("A copy has been made as a draft. Edit and publish it.")
    )
