from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "partners"
urlpatterns = [
    path(_("partners/"), views.partner_list, name="list"),
    path(_("partners/<slug:slug>/"), views.partner_detail, name="detail"),
    path(_("partners/<slug:slug>/profile/"), views.edit_profile, name="edit_profile"),
    path(_("partners/<slug:slug>/invite/"), views.invite_colleagues, name="invite"),
    path(_("partners/<slug:slug>/activity/"), views.organisation_activity, name="activity"),
    path(_("invitation/<str:token>/"), views.invitation, name="invitation"),
    path(
        _("agreements/<int:pk>/document/"), views.agreement_document, name="agreement_document"
    ),
]
