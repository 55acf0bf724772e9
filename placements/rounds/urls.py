from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "rounds"
urlpatterns = [
    path(_("rounds/"), views.round_list, name="list"),
    path(_("rounds/new/"), views.round_create, name="create"),
    path(_("rounds/<int:pk>/"), views.round_detail, name="detail"),
    path(_("rounds/<int:pk>/students/"), views.add_students, name="add_students"),
    path(_("rounds/<int:pk>/places/"), views.add_offers, name="add_offers"),
    path(_("rounds/<int:pk>/open/"), views.open_choices, name="open"),
    path(_("rounds/<int:pk>/allocate/"), views.allocate_round, name="allocate"),
    path(_("rounds/<int:pk>/place/"), views.place_by_hand, name="place"),
    path(_("rounds/<int:pk>/close/"), views.close_round, name="close"),
    path(_("rounds/<int:pk>/follow-up/"), views.follow_up, name="follow_up"),
    path(_("rounds/<int:pk>/input.json"), views.download_inputs, name="inputs"),
    path(_("rounds/<int:pk>/matching.csv"), views.export_matching, name="export"),
    path(_("rounds/<int:pk>/matching.xlsx"), views.export_matching_xlsx, name="export_xlsx"),
    path(_("rounds/places/"), views.company_places, name="company_places"),
    path(_("rounds/places/<int:pk>/confirm/"), views.confirm_capacity, name="confirm_capacity"),
    path(_("rounds/places/<int:pk>/rank/"), views.rank_applicants, name="rank_applicants"),
    path(_("rounds/allocations/<int:pk>/confirm/"), views.confirm_student, name="confirm_student"),
    path(_("rounds/allocations/<int:pk>/decline/"), views.decline_student, name="decline_student"),
    path(_("rounds/choices/<int:pk>/"), views.choose, name="choose"),
]
