"""School staff invite a class; an invited student opens the link and joins the school."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college_portal.accounts.access import role_required
from college_portal.accounts.models import Role

from ..class_invitations import (
    ClassInvitationError,
    accept_class_invitation,
    check_usable,
    find_class_invitation,
    invite_class,
)
from ..forms import ClassInvitationForm
from ..models import StudentProfile
from ..selectors import class_invitations_sent, inviting_schools


@role_required(Role.SCHOOL_STAFF)
def invite_class_view(request):
    """The form, and below it the invitations the staff member's schools have sent."""
    schools = list(inviting_schools(request.user).order_by("name"))
    if not schools:
        raise PermissionDenied  # school staff who act for no active school invite nobody
    initial = {"language": request.user.language, "class_name": request.GET.get("class", "")}
    form = ClassInvitationForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        invitations, skipped = invite_class(
            user=request.user,
            school=form.chosen_school(),
            class_name=form.cleaned_data["class_name"],
            emails=form.cleaned_data["addresses"],
            language=form.cleaned_data["language"],
        )
        _report(request, form.cleaned_data["class_name"], invitations, skipped)
        if skipped:  # back to the form, to correct what was left out
            query = urlencode({"class": form.cleaned_data["class_name"]})
            return redirect(f"{reverse('placements:invite_class')}?{query}")
        return redirect("dashboard")
    sent, sent_total = class_invitations_sent(request.user)
    return render(
        request,
        "placements/invite_class.html",
        {
            "form": form,
            "schools": schools,
            "sent": sent,
            "sent_total": sent_total,
        },
    )


def _report(request, class_name, invitations, skipped):
    if invitations:
        messages.success(
            request,
            ngettext(
                "%(count)d invitation sent to class %(class_name)s.",
                "%(count)d invitations sent to class %(class_name)s.",
                len(invitations),
            )
            % {"count": len(invitations), "class_name": class_name},
        )
    for email, reason in skipped:
        messages.warning(
            request, _("Not invited: %(email)s (%(reason)s).") % {"email": email, "reason": reason}
        )


def _refused(request, reason, status, *, offer_sign_out=False):
    return render(
        request,
        "placements/class_invitation_invalid.html",
        {"reason": reason, "offer_sign_out": offer_sign_out},
        status=status,
    )


def _refusal(request, invitation):
    """The page refusing `invitation` to this person, or None when they may use it. Signing
    out is offered only where another account would help (not for a used or expired link)."""
    for user in (None, request.user):
        try:
            check_usable(invitation, user)
        except ClassInvitationError as error:
            return _refused(request, str(error), 410, offer_sign_out=user is not None)
    return None


def class_invitation(request, token):
    """The link in the e-mail. A visitor is asked to sign in or create a student account with
    the invited address (and comes back here); the invited student joins with one button; a
    used, expired or altered link, or someone else's account, gets a page saying why."""
    found = find_class_invitation(token)
    if found is None:
        return _refused(
            request,
            _("This invitation link is not valid. Check that you copied all of it."),
            404,
        )
    refusal = _refusal(request, found)
    if refusal is not None:
        return refusal
    if not request.user.is_authenticated:
        here = urlencode({"next": request.get_full_path()})
        return render(
            request,
            "placements/class_invitation.html",
            {"invitation": found, "next_query": here},
        )
    if request.method == "POST":
        try:
            profile = accept_class_invitation(user=request.user, token=token)
        except ClassInvitationError as error:  # used meanwhile (a second click)
            return _refused(request, str(error), 410)
        messages.success(
            request,
            _("Welcome to class %(class_name)s! %(school)s has confirmed that you study there.")
            % {"class_name": found.class_name, "school": profile.school},
        )
        return redirect("dashboard")
    current = StudentProfile.objects.filter(user=request.user).select_related("school").first()
    return render(
        request,
        "placements/class_invitation.html",
        {"invitation": found, "current_school": current.school if current else None},
    )
