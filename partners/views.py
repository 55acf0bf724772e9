"""Views of the partners app: public partner pages, profile editing and invitations."""

import copy

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from college_portal.accounts.access import visible_object_or_404
from college_portal.activity.models import ActivityEntry
from college_portal.pagecache import public_page
from college_portal.pagination import paginated
from college_portal.registry import render_sections

from .forms import (
    AcceptInvitationForm,
    InviteContactsForm,
    OrganisationProfileForm,
    PartnerFilterForm,
)
from .models import Agreement, Organisation, OrganisationQuerySet
from .selectors import agreements_of, filtered_partners
from .services import (
    InvitationError,
    accept_invitation,
    check_usable,
    find_invitation,
    invite_many,
    update_profile,
)


@public_page
def partner_list(request):
    form = PartnerFilterForm(request.GET or None)
    organisations = Organisation.objects.visible_to(request.user).prefetch_related("roles")
    if form.is_valid():
        organisations = filtered_partners(organisations, form.cleaned_data)
    return render(
        request,
        "partners/partner_list.html",
        {"form": form, **paginated(request, organisations, 24)},
    )


@public_page
def partner_detail(request, slug):
    organisation = visible_object_or_404(
        Organisation.objects.prefetch_related("roles"), request.user, slug=slug
    )
    can_edit = Organisation.objects.acted_for_by(request.user, leads=True).filter(pk=organisation.pk).exists()
    return render(
        request,
        "partners/partner_detail.html",
        {
            "organisation": organisation,
            "can_edit": can_edit,
            "agreements": agreements_of(organisation, request.user),
            "sections": render_sections("partner_detail", request, organisation=organisation),
        },
    )


@login_required
def agreement_document(request, pk):
    """An agreement's signed document, for the members of its parties and project leads;
    anyone else gets 404, as if it did not exist."""
    agreement = get_object_or_404(Agreement.objects.with_documents_for(request.user), pk=pk)
    document = agreement.document
    if not document or not document.storage.exists(document.name):
        raise Http404
    # As the leads' /private/ link serves it: through the storage API, as an attachment.
    response = FileResponse(document.open("rb"), as_attachment=True, filename="avtal.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _own_organisation_or_404(queryset: OrganisationQuerySet, slug):
    return get_object_or_404(queryset.distinct(), slug=slug)


@login_required
def edit_profile(request, slug):
    """A representative edits their own organisation's public profile; others get 404."""
    organisation = _own_organisation_or_404(Organisation.objects.acted_for_by(request.user, leads=True), slug)
    # The form works on a copy: a refused upload must not show as the "current logo".
    form = OrganisationProfileForm(
        request.POST or None, request.FILES or None, instance=copy.copy(organisation)
    )
    if request.method == "POST" and form.is_valid():
        update_profile(
            organisation=Organisation.objects.get(pk=organisation.pk),
            user=request.user,
            description=form.cleaned_data["description"],
            website=form.cleaned_data["website"],
            logo=request.FILES.get("logo"),
            remove_logo=form.cleaned_data["remove_logo"],
        )
        messages.success(request, _("The public profile has been saved."))
        return redirect("partners:detail", slug=organisation.slug)
    return render(
        request, "partners/edit_profile.html", {"organisation": organisation, "form": form}
    )


@login_required
def organisation_activity(request, slug):
    """What has happened in the organisation's name, for its members (others get 404)."""
    organisation = _own_organisation_or_404(Organisation.objects.acted_for_by(request.user), slug)
    entries = ActivityEntry.objects.for_organisation(organisation).select_related("actor")
    return render(
        request,
        "partners/organisation_activity.html",
        {"organisation": organisation, **paginated(request, entries, 50)},
    )


def send_invitations(request, organisation, form):
    """Invite the addresses of a valid InviteContactsForm and tell the inviter what happened
    (used by the organisation admin's page and the project lead's admin page alike)."""
    invitations, skipped = invite_many(
        organisation=organisation,
        emails=form.cleaned_data["addresses"],
        invited_by=request.user,
        role=form.cleaned_data["role"],
        language=form.cleaned_data["language"],
    )
    if invitations:
        messages.success(
            request,
            ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(invitations))
            % {"count": len(invitations)},
        )
    for email, reason in skipped:
        messages.warning(request, _("%(email)s: %(reason)s") % {"email": email, "reason": reason})
    return invitations


@login_required
def invite_colleagues(request, slug):
    """An organisation admin invites colleagues to their own organisation only."""
    organisation = _own_organisation_or_404(
        Organisation.objects.acted_for_by(request.user, as_admin=True, leads=True), slug
    )
    form = InviteContactsForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        send_invitations(request, organisation, form)
        return redirect("dashboard")
    return render(
        request, "partners/invite_colleagues.html", {"organisation": organisation, "form": form}
    )


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
            request,
            _("Welcome! You now represent %(organisation)s.")
            % {"organisation": found.organisation},
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
