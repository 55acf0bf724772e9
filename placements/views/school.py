"""School staff confirm or reject students who named their school."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from college_portal.accounts.access import role_required
from college_portal.accounts.models import Role

from ..services import confirm_school_link, reject_school_link


def _act(request, action, profile_id):
    try:
        return action(user=request.user, profile_id=profile_id)
    except PermissionDenied:
        # Not a student of the user's school: as if the profile did not exist.
        raise Http404 from None


@require_POST
@role_required(Role.SCHOOL_STAFF)
def confirm_student(request, pk):
    profile = _act(request, confirm_school_link, pk)
    messages.success(
        request,
        _("%(name)s is confirmed as a student of %(school)s.")
        % {"name": profile.user.get_full_name(), "school": profile.school},
    )
    return redirect("dashboard")


@require_POST
@role_required(Role.SCHOOL_STAFF)
def reject_student(request, pk):
    profile = _act(request, reject_school_link, pk)
    messages.success(
        request,
        _("%(name)s is no longer linked to your school.") % {"name": profile.user.get_full_name()},
    )
    return redirect("dashboard")
