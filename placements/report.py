"""The placements section of the partnership report: offers, places, applications over time."""

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from college_portal.reports import Section, Table

from .models import FILLED, Application, ApplicationStatus, Offer, OfferKind, Slot


def placements_section():
    internships = Offer.objects.filter(kind=OfferKind.INTERNSHIP).exclude(status="draft")
    per_company = (
        internships.values("organisation__name")
        .annotate(
            offers=Count("pk", distinct=True),
            places=Sum("places"),
        )
        .order_by("organisation__name")
    )
    filled = dict(
        Application.objects.filter(status__in=FILLED)
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
    )
    completed = dict(
        Application.objects.filter(status=ApplicationStatus.COMPLETED)
        .values_list("offer__organisation__name")
        .annotate(n=Count("pk"))
    )
    per_municipality = (
        internships.values("municipality")
        .annotate(offers=Count("pk"), places=Sum("places"))
        .order_by("municipality")
    )
    filled_by_municipality = dict(
        Application.objects.filter(status__in=FILLED)
        .values_list("offer__municipality")
        .annotate(n=Count("pk"))
    )
    visits = (
        Slot.objects.exclude(offer__status="draft")
        .values("offer__organisation__name")
        .annotate(capacity=Sum("capacity"), taken=Sum("places_taken"))
        .order_by("offer__organisation__name")
    )
    months = (
        Application.objects.annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status__in=FILLED)))
        .order_by("month")
    )
    return Section(
        key="placements",
        title=_("Internships and study visits"),
        tables=[
            Table(
                _("Internship places per company"),
                [_("Company"), _("Places offered"), _("Offers"), _("Filled"), pgettext("column", "Completed")],
                [
                    [
                        r["organisation__name"],
                        r["places"] or 0,
                        r["offers"],
                        filled.get(r["organisation__name"], 0),
                        completed.get(r["organisation__name"], 0),
                    ]
                    for r in per_company
                ],
                chart=True,
            ),
            Table(
                _("Internship places per municipality"),
                [_("Municipality"), _("Places offered"), _("Offers"), _("Filled")],
                [
                    [
                        r["municipality"],
                        r["places"] or 0,
                        r["offers"],
                        filled_by_municipality.get(r["municipality"], 0),
                    ]
                    for r in per_municipality
                ],
                chart=True,
            ),
            Table(
                _("Study visits per company"),
                [_("Company"), _("Places offered"), _("Places booked")],
                [
                    [r["offer__organisation__name"], r["capacity"] or 0, r["taken"] or 0]
                    for r in visits
                ],
                chart=True,
            ),
            Table(
                _("Applications over time"),
                [_("Month"), _("Applications"), pgettext("column", "Accepted")],
                [
                    [r["month"].strftime("%Y-%m") if r["month"] else "", r["n"], r["accepted"]]
                    for r in months
                ],
                chart=True,
            ),
        ],
    )
