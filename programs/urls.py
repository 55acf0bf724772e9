from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import inventory_views, views
from .gap_urls import urlpatterns as gap_urlpatterns

app_name = "programs"
urlpatterns = [
    path(_("programmes/"), views.catalogue, name="list"),
    path(_("programmes/<slug:slug>/"), views.programme_detail, name="detail"),
    path(_("programmes/<slug:slug>/coverage/"), views.coverage_matrix_view, name="matrix"),
    path(_("requirements/new/"), views.requirement_new, name="requirement_new"),
    path(_("requirements/<int:pk>/"), views.requirement_edit, name="requirement_edit"),
    path(_("needs-inventory/<int:round_id>/"), inventory_views.inventory, name="inventory"),
    path(
        _("needs-inventory/<int:round_id>/<slug:organisation>/"),
        inventory_views.inventory_answer,
        name="inventory_answer",
    ),
]
urlpatterns += gap_urlpatterns
