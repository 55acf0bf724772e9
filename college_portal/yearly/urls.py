from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "yearly"
urlpatterns = [
    path(_("yearly-report/"), views.year_list, name="list"),
    path(_("yearly-report/<int:year>/"), views.year_report, name="detail"),
    path(
        _("yearly-report/<int:year>/criterion-<int:criterion>/assessment/"),
        views.assess,
        name="assess",
    ),
    path(_("yearly-report/<int:year>/freeze/"), views.freeze, name="freeze"),
]
