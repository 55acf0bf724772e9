"""Views of the partners app: public partner pages and invitations."""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from college_portal.accounts.access import visible_object_or_404

from .forms import AcceptInvitationForm
from .models import Organisation
from .services import InvitationError, accept_invitation, check_usable, find_invitation


def partner_list(request):
    organisations = Organisation.objects.visible_to(request.user).prefetch_related("roles")
    page = Paginator(organisations, 24).get_page(request.GET.get("page"))
    return render(request, "partners/partner_list.html", {"page": page})


def partner_detail(request, slug):
    organisation = visible_object_or_404(
        Organisation.objects.prefetch_related("roles"), request.user, slug=slug
    )
    return render(request, "partners/partner_detail.html", {"organisation": organisation})


def invitation(request, token):
    """Open an invitation link: set a password (new person) or join (signed-in person)."""
    found = find_invitation(token)
    if found is None:
        return render(
            request,
            "partners/invitation_invalid.html",
            {"reason": _("This invitation link is not valid. Check that you copied all of it.")},
            status=404,
        )
    try:
        check_usable(found, request.user)
    except InvitationError as error:
        return render(
            request, "partners/invitation_invalid.html", {"reason": str(error)}, status=410
        )
    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(request.POST or None, email=found.email)
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = accept_invitation(
                invitation_id=found.pk,
                user=request.user if signed_in else None,
                full_name="" if signed_in else form.cleaned_data["full_name"],
                password=None if signed_in else form.cleaned_data["password1"],
                language=translation.get_language(),
            )
        except InvitationError as error:
            return render(
                request, "partners/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        messages.success(
            request, _("Welcome! You now represent %(organisation)s.") % {"organisation": found.organisation}
        )
        with translation.override(user.language):
            target = reverse("dashboard")
        if not signed_in:
            return perform_login(request, user, email_verification="none", redirect_url=target)
        return redirect(target)
    return render(
        request,
        "partners/invitation_accept.html",
        {"invitation": found, "form": form, "languages": settings.LANGUAGES},
    )
