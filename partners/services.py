"""State changes of the partners app: invitations, organisations' membership of the
partnership, agreements and steering groups, each written to the activity log."""

import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from college_portal.accounts.models import User
from college_portal.activity import actions
from college_portal.activity.services import changes, log
from college_portal.notifications.models import Notification
from college_portal.notifications.services import notify

from .models import (
    Agreement,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    SteeringGroupMember,
    hash_token,
)

INVITATION_VALIDITY = timedelta(days=14)


def can_invite(user, organisation):
    """Project leads invite to any organisation; an organisation admin to their own only."""
    return (
        Organisation.objects.acted_for_by(user, as_admin=True, leads=True)
        .filter(pk=organisation.pk)
        .exists()
    )


@transaction.atomic
def invite(*, organisation, email, invited_by, role=MembershipRole.REPRESENTATIVE, language=None):
    """Create an invitation and e-mail its link; returns the invitation."""
    if not can_invite(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if not organisation.active:
        raise ValidationError(
            _("%(organisation)s is not active in the partnership; activate it before inviting.")
            % {"organisation": organisation}
        )
    if Membership.objects.filter(user__email__iexact=email, organisation=organisation).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(organisation)s.")
            % {"email": email, "organisation": organisation}
        )
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        language=language or invited_by.language,
        invited_by=invited_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    log(
        actor=invited_by,
        action=actions.INVITATION_SENT,
        obj=invitation,
        organisation=organisation,
        data={"role": role},
    )
    with translation.override(invitation.language):
        path = reverse("partners:invitation", kwargs={"token": token})
    notify(
        kind="invitation",
        event_key=f"invitation:{invitation.pk}",
        email=email,
        language=invitation.language,
        context={
            "organisation": organisation.name,
            "inviter": str(invited_by),
            "path": path,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


def find_invitation(token):
    """The invitation of `token`, or None for a tampered or unknown link."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


class InvitationError(Exception):
    """Why an invitation cannot be used; the message is for the person holding the link."""


def check_usable(invitation, user=None):
    if invitation.is_accepted:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the person who invited you for a new one.")
        )
    if not invitation.organisation.active:
        raise InvitationError(_("This organisation is no longer active in the partnership."))
    if user is not None and user.is_authenticated and user.email.lower() != invitation.email:
        raise InvitationError(
            _(
                "This invitation was sent to another e-mail address. Sign out and open the link again."
            )
        )
    if user is not None and user.is_authenticated and user.is_student:
        raise InvitationError(_("A student account cannot join an organisation."))


@transaction.atomic
def accept_invitation(*, invitation_id, user=None, full_name="", password=None, language=None):
    """Accept an invitation: as the signed-in `user`, or by creating the account.

    Locks the invitation so two clicks on one link make one membership.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation_id)
    )
    check_usable(invitation, user)
    organisation = invitation.organisation
    if user is None or not user.is_authenticated:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _(
                    "An account with this e-mail address exists. Sign in first, then open the link again."
                )
            )
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            language=language or invitation.language,
            role=organisation.member_user_role,
        )
    elif user.is_student:
        raise InvitationError(_("A student account cannot join an organisation."))
    # The link reached this address: it is verified.
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log(
        actor=user,
        action=actions.INVITATION_ACCEPTED,
        obj=invitation,
        organisation=organisation,
        data={"role": invitation.role},
    )
    return user


@transaction.atomic
def revoke_invitation(*, invitation_id, revoked_by):
    """Make a pending invitation's link stop working now; False if it was no longer pending."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if not can_invite(revoked_by, invitation.organisation):
        raise PermissionDenied
    if invitation.is_accepted or invitation.is_expired:
        return False
    # An expired invitation is refused everywhere (check_usable, pending()): no new state.
    invitation.expires_at = timezone.now()
    invitation.save(update_fields=["expires_at"])
    log(
        actor=revoked_by,
        action=actions.INVITATION_REVOKED,
        obj=invitation,
        organisation=invitation.organisation_id,
        data={"role": invitation.role},
    )
    return True


# In a part holding "<…>", a token is a bracketed address, a quoted name or a bare word.
_ADDRESS_TOKEN = re.compile(r'<([^<>]*)>|"[^"]*"|[^\s,<>"]+')


def _address_candidates(text):
    """Each pasted address once, as typed: "Berg, Karin <k@x.se>" (Outlook) is one address."""
    for part in re.split(r"[;\n]", text):
        if "<" not in part:
            yield from (chunk.strip() for chunk in part.split(",") if chunk.strip())
            continue
        for token in _ADDRESS_TOKEN.finditer(part):
            if token.group(1) is not None:
                if token.group(1).strip():
                    yield token.group(1).strip()
            elif "@" in token.group(0) and not token.group(0).startswith('"'):
                yield token.group(0)  # a bare address beside a named one; other words are names


def parse_addresses(text):
    """Split a pasted list (commas, semicolons, new lines, "Name <a@b>") into addresses.

    Returns (valid, invalid) lists, each without duplicates, in the order given.
    """
    from django.core.validators import validate_email

    valid, invalid = [], []
    for candidate in _address_candidates(text):
        try:
            validate_email(candidate)
        except ValidationError:
            bucket, address = invalid, candidate
        else:
            bucket, address = valid, candidate.lower()
        if address not in bucket:
            bucket.append(address)
    return valid, invalid


def invite_many(
    *, organisation, emails, invited_by, role=MembershipRole.REPRESENTATIVE, language=None
):
    """Invite each address; returns (invitations, skipped) where skipped holds (email, reason)."""
    invitations, skipped = [], []
    for email in emails:
        try:
            invitations.append(
                invite(
                    organisation=organisation,
                    email=email,
                    invited_by=invited_by,
                    role=role,
                    language=language,
                )
            )
        except ValidationError as error:
            skipped.append((email, " ".join(error.messages)))
    return invitations, skipped


REMINDER_THRESHOLDS = (60, 30, 7)


def remind_expiring_agreements(*, today=None):
    """Remind responsible project leads of agreements (samverkansavtal and declarations of
    intent alike) ending within 60 days.

    One notification per agreement, end date and threshold: the event key makes repeated runs
    (a beat restart, two beats by mistake) send nothing more.
    """
    from .models import Agreement

    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(REMINDER_THRESHOLDS))
    agreements = Agreement.objects.filter(
        valid_to__gte=today,
        valid_to__lte=horizon,
        responsible__isnull=False,
        organisation__active=True,
    ).select_related("organisation", "counterparty", "responsible")
    created = 0
    for agreement in agreements:
        days_left = (agreement.valid_to - today).days
        threshold = min(t for t in REMINDER_THRESHOLDS if t >= days_left)
        key = f"agreement-expiring:{agreement.pk}:{agreement.valid_to}:{threshold}"
        if Notification.objects.filter(event_key=key).exists():
            continue
        lead = agreement.responsible
        with translation.override(lead.language):
            admin_path = reverse("admin:partners_agreement_change", args=[agreement.pk])
        with transaction.atomic():
            notify(
                kind="agreement_expiring",
                event_key=key,
                email=lead.email,
                recipient=lead,
                context={
                    "kind": agreement.kind,
                    "organisation": agreement.organisation.name,
                    "counterparty": agreement.counterparty.name if agreement.counterparty else "",
                    "title": agreement.title,
                    "valid_to": agreement.valid_to.isoformat(),
                    "days_left": days_left,
                    "path": admin_path,
                },
            )
        created += 1
    return created


@transaction.atomic
def update_profile(*, organisation, user, description, website, logo=None, remove_logo=False):
    """A representative updates their organisation's public profile."""
    if not Organisation.objects.acted_for_by(user, leads=True).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    organisation.description = description
    organisation.website = website
    if remove_logo and organisation.logo:
        organisation.logo = ""  # the old file goes after commit (college_portal.files)
    if logo:
        organisation.logo = logo
    organisation.save()
    return organisation


@transaction.atomic
def set_organisation_active(*, organisation_id, active, actor):
    """A project lead lets an organisation into the partnership or out of it; True if changed."""
    if not actor.is_staff:
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    if organisation.active == active:
        return False
    organisation.active = active
    organisation.save(update_fields=["active", "updated_at"])
    log(
        actor=actor,
        action=actions.ORGANISATION_ACTIVATED if active else actions.ORGANISATION_DEACTIVATED,
        obj=organisation,
        organisation=organisation,
        data={"active": [not active, active]},
    )
    return True


AGREEMENT_LOGGED_FIELDS = (
    "kind",
    "counterparty_id",
    "title",
    "signed_on",
    "valid_from",
    "valid_to",
    "responsible_id",
    "document",
)


@transaction.atomic
def save_agreement(*, agreement, actor):
    """Save a new or edited agreement (from admin) and log what changed in it."""
    before = Agreement.objects.filter(pk=agreement.pk).first() if agreement.pk else None
    agreement.save()
    changed = changes(before, agreement, AGREEMENT_LOGGED_FIELDS)
    if before is None or changed:
        log(
            actor=actor,
            action=actions.AGREEMENT_ADDED if before is None else actions.AGREEMENT_CHANGED,
            obj=agreement,
            organisation=agreement.organisation_id,
            data=changed,
        )
    return agreement


STEERING_LOGGED_FIELDS = ["is_chair", "from_date", "to_date"]


def _steering_data(member, before=None):
    """What the log says of a member: the row's id and organisation, never the person's name."""
    data = {"member": member.pk, "represents": member.organisation.name}
    if before is not None and before.organisation_id != member.organisation_id:
        data["represents"] = [before.organisation.name, member.organisation.name]
    return data


@transaction.atomic
def save_steering_member(*, member, actor):
    """Add or change a steering-group member (from admin), logged on the group."""
    before = (
        SteeringGroupMember.objects.select_related("organisation").filter(pk=member.pk).first()
        if member.pk
        else None
    )
    member.save()
    changed = changes(before, member, STEERING_LOGGED_FIELDS)
    if before is not None and not changed and before.organisation_id == member.organisation_id:
        return member
    log(
        actor=actor,
        action=actions.STEERING_MEMBER_ADDED if before is None else actions.STEERING_MEMBER_CHANGED,
        obj=member.group,
        organisation=member.organisation_id,
        data={**_steering_data(member, before), **changed},
    )
    return member


@transaction.atomic
def remove_steering_member(*, member, actor):
    log(
        actor=actor,
        action=actions.STEERING_MEMBER_REMOVED,
        obj=member.group,
        organisation=member.organisation_id,
        data=_steering_data(member),
    )
    member.delete()
