"""Addresses of the public feeds (placements/feeds.py), under the language prefix."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds

urlpatterns = [
    path(_("offers/feed.atom"), feeds.NewOffersFeed(), name="offer_feed"),
    path(_("study-visits/calendar.ics"), feeds.study_visit_calendar, name="visit_calendar"),
    path(
        _("study-visits/calendar/partner/<slug:slug>.ics"),
        feeds.company_visit_calendar,
        name="visit_calendar_company",
    ),
    path(
        _("study-visits/calendar/municipality/<str:municipality>.ics"),
        feeds.municipality_visit_calendar,
        name="visit_calendar_municipality",
    ),
]
