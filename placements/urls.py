from django.urls import path
from django.utils.translation import gettext_lazy as _

from .feed_urls import urlpatterns as feed_urlpatterns
from .views import (
    agreements,
    applications,
    bookings,
    class_invitations,
    hosting,
    offers,
    profile,
    school,
)

app_name = "placements"
urlpatterns = [
    path(_("offers/"), offers.offer_list, name="offer_list"),
    path(_("offers/new/"), offers.offer_create, name="offer_create"),
    path(_("offers/<int:pk>/"), offers.offer_detail, name="offer_detail"),
    path(_("offers/<int:pk>/edit/"), offers.offer_edit, name="offer_edit"),
    path(_("offers/<int:pk>/publish/"), offers.offer_publish, name="offer_publish"),
    path(_("offers/<int:pk>/close/"), offers.offer_close, name="offer_close"),
    path(_("offers/<int:pk>/copy/"), offers.offer_copy, name="offer_copy"),
    path(_("offers/<int:pk>/apply/"), applications.apply_view, name="apply"),
    path(_("offers/<int:pk>/applicants/"), applications.applicants, name="applicants"),
    path(_("offers/<int:pk>/book/"), bookings.book_view, name="book"),
    path(_("offers/<int:pk>/bookings/"), hosting.offer_bookings, name="offer_bookings"),
    path(_("times/<int:pk>/cancel/"), hosting.slot_cancel, name="slot_cancel"),
    path(_("applications/<int:pk>/"), applications.application_detail, name="application_detail"),
    path(_("applications/<int:pk>/cv/"), applications.application_cv, name="application_cv"),
    path(_("applications/<int:pk>/decide/"), applications.decide_view, name="decide"),
    path(_("applications/<int:pk>/complete/"), applications.complete_view, name="complete"),
    path(_("applications/<int:pk>/withdraw/"), applications.withdraw_view, name="withdraw"),
    path(_("applications/<int:pk>/agreement/"), agreements.agreement_detail, name="agreement"),
    path(
        _("applications/<int:pk>/agreement/edit/"),
        agreements.agreement_edit,
        name="agreement_edit",
    ),
    path(_("applications/<int:pk>/agreement/age/"), agreements.agreement_age, name="agreement_age"),
    path(
        _("applications/<int:pk>/agreement/start/"),
        agreements.agreement_start,
        name="agreement_start",
    ),
    path(
        _("applications/<int:pk>/agreement/assessment/"),
        agreements.agreement_assess,
        name="agreement_assess",
    ),
    path(
        _("applications/<int:pk>/agreement/conversation/"),
        agreements.agreement_conversation,
        name="agreement_conversation",
    ),
    path(
        _("applications/<int:pk>/agreement/attendance/"),
        agreements.agreement_attendance,
        name="agreement_attendance",
    ),
    path(_("bookings/<int:pk>/"), bookings.booking_detail, name="booking_detail"),
    path(_("bookings/<int:pk>/calendar.ics"), bookings.booking_ics, name="booking_ics"),
    path(_("bookings/<int:pk>/cancel/"), bookings.booking_cancel, name="booking_cancel"),
    path(_("my-interests/"), profile.student_profile, name="student_profile"),
    path(_("unsubscribe/<str:token>/"), profile.unsubscribe, name="unsubscribe"),
    path(_("students/<int:pk>/confirm/"), school.confirm_student, name="confirm_student"),
    path(_("students/<int:pk>/reject/"), school.reject_student, name="reject_student"),
    path(_("classes/invite/"), class_invitations.invite_class_view, name="invite_class"),
    path(
        _("class-invitation/<str:token>/"),
        class_invitations.class_invitation,
        name="class_invitation",
    ),
]
urlpatterns += feed_urlpatterns
