"""URLs of supply and demand (included in programs/urls.py, in the programs namespace)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import gap_views, supply_views

urlpatterns = [
    path(_("programmes/<slug:slug>/admitted/"), supply_views.supply_entry, name="supply"),
    path(_("demand-and-supply/"), gap_views.gap_page, name="gap"),
    path(_("demand-and-supply/<int:pk>/"), gap_views.gap_area, name="gap_area"),
    path(_("where-the-jobs-are/"), gap_views.jobs, name="jobs"),
]
