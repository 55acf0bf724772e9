from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "surveys"

urlpatterns = [
    path(_("survey/thanks/"), views.thanks, name="thanks"),
    path(_("survey/<str:token>/"), views.answer, name="answer"),
]
