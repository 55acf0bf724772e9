"""Class invitations: school staff invite the students of a class by e-mail; a student who
accepts is linked to the school, confirmed at once (the other way to a confirmed school link
is a staff member confirming a self-declared one: services.confirm_school_link)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from college_portal.activity import actions
from college_portal.activity.services import log
from college_portal.notifications.services import notify
from partners.models import Invitation, hash_token

from .models import ClassInvitation, StudentProfile
from .selectors import inviting_schools

CLASS_INVITATION_VALIDITY = timedelta(days=14)


class ClassInvitationError(Exception):
    """Why a class invitation cannot be used; the message is for the person holding the link."""


def _skip_reason(school, email, now):
    """Why `email` gets no new invitation from `school` (None: invite it). Locks the open
    invitation it finds, so a second inviter waits and then skips the same address."""
    try:
        validate_email(email)
    except ValidationError:
        return _("not a valid e-mail address")
    if StudentProfile.objects.filter(
        user__email__iexact=email, school=school, school_confirmed_at__isnull=False
    ).exists():
        return _("already a confirmed student of %(school)s") % {"school": school}
    open_one = (
        ClassInvitation.objects.select_for_update()
        .filter(school=school, email=email, accepted_at__isnull=True)
        .first()
    )
    if open_one is None:
        return None
    if open_one.expires_at > now:
        return _("already invited; the link is valid until %(date)s") % {
            "date": _date(open_one.expires_at)
        }
    # An expired invitation makes way for the new one (one open invitation per address).
    open_one.delete()
    return None


def _date(moment):
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "j F Y")


@transaction.atomic
def invite_class(*, user, school, class_name, emails, language):
    """School staff of `school` invite the students of `class_name`: one invitation and one
    e-mail (in `language`) per new address. Returns (invitations, skipped), skipped holding
    (address, reason) for addresses that are not valid, already invited (link still valid) or
    already confirmed students of the school. Refuses (PermissionDenied) anyone else."""
    if not inviting_schools(user).filter(pk=school.pk).exists():
        raise PermissionDenied
    class_name = " ".join(class_name.split())
    if not class_name:
        raise ValidationError(_("Enter the name of the class."))
    now = timezone.now()
    invitations, skipped = [], []
    addresses = {}
    for raw in (e.strip() for e in emails):
        if raw:
            addresses.setdefault(raw.lower(), raw)  # each address once, as first typed
    for email, raw in addresses.items():
        reason = _skip_reason(school, email, now)
        if reason is None:
            try:
                with transaction.atomic():  # a savepoint: a race loses one address, not all
                    invitations.append(_invite_one(user, school, class_name, email, language, now))
                continue
            except IntegrityError:
                reason = _("already invited")
        skipped.append((raw, reason))
    return invitations, skipped


def _invite_one(user, school, class_name, email, language, now):
    token = Invitation.new_token()
    invitation = ClassInvitation.objects.create(
        school=school,
        class_name=class_name,
        email=email,
        language=language,
        invited_by=user,
        token_hash=hash_token(token),
        expires_at=now + CLASS_INVITATION_VALIDITY,
    )
    log(
        actor=user,
        action=actions.CLASS_INVITATION_SENT,
        obj=invitation,
        organisation=school,
        data={"class_name": class_name},
    )
    with translation.override(language):
        path = reverse("placements:class_invitation", kwargs={"token": token})
    notify(
        kind="class_invitation",
        event_key=f"class-invitation:{invitation.pk}",
        email=email,
        language=language,
        context={
            "school": school.name,
            "class_name": class_name,
            "inviter": str(user),
            "path": path,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


def find_class_invitation(token):
    """The invitation of `token`, or None for a tampered or unknown link."""
    if not token or len(token) > 100:
        return None
    return (
        ClassInvitation.objects.select_related("school", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def check_usable(invitation, user=None):
    """Refuse (ClassInvitationError) a used or expired link, an inactive school, and a
    signed-in person the invitation is not for."""
    if invitation.is_accepted:
        raise ClassInvitationError(_("This invitation has already been used."))
    if invitation.is_expired:
        raise ClassInvitationError(
            _("This invitation has expired. Ask your teacher for a new one.")
        )
    if not invitation.school.active:
        raise ClassInvitationError(_("This school is no longer active in the partnership."))
    if user is None or not user.is_authenticated:
        return
    if user.email.lower() != invitation.email:
        raise ClassInvitationError(
            _(
                "This invitation was sent to another e-mail address than the one you are signed "
                "in with. Sign out, then open the link again and sign in with the invited address."
            )
        )
    if not user.is_student:
        raise ClassInvitationError(_("Only a student account can join a class."))


@transaction.atomic
def accept_class_invitation(*, user, token):
    """The invited student accepts: their profile names the invitation's school, confirmed at
    once by the inviter. The invitation row is locked, so two clicks accept once; a student
    already confirmed at that school keeps their confirmation."""
    found = find_class_invitation(token)
    if found is None:
        raise ClassInvitationError(
            _("This invitation link is not valid. Check that you copied all of it.")
        )
    invitation = (
        ClassInvitation.objects.select_for_update(of=("self",))
        .select_related("school")
        .get(pk=found.pk)
    )
    check_usable(invitation, user)
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    now = timezone.now()
    profile, _created = StudentProfile.objects.select_for_update().get_or_create(
        user=user, defaults={"school": invitation.school}
    )
    if profile.school_id != invitation.school_id:
        # StudentProfile.save clears the confirmation of a changed school: save the new school
        # first, then confirm it.
        profile.school = invitation.school
        profile.save(update_fields=["school"])
    if profile.school_confirmed_at is None:
        profile.school_confirmed_at = now
        profile.school_confirmed_by_id = invitation.invited_by_id
        profile.save(update_fields=["school_confirmed_at", "school_confirmed_by"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    log(
        actor=user,
        action=actions.CLASS_INVITATION_ACCEPTED,
        obj=invitation,
        organisation=invitation.school_id,
        data={"class_name": invitation.class_name},
    )
    return profile
