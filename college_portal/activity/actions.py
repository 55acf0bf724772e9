"""The documented list of activity types and the one table of their display texts.

An action type names the app, the object and what happened, as pretix's log does
(`placements.offer.published`). Every constant has exactly one entry in ACTION_TEXTS, whose
Swedish translation is in locale/sv; `log()` refuses a type that is not listed here.

| constant | when it is written | data |
| --- | --- | --- |
| OFFER_PUBLISHED, OFFER_CLOSED | an offer changes status | {"status": [old, new]} |
| OFFER_COPIED | an offer is copied to a new draft (logged on the copy) | {"copied_from": id} |
| OFFER_EDITED | capacity, dates or deadline of an offer change | {field: [old, new]} |
| OFFER_SLOT_CHANGED | a study-visit slot's capacity or time changes | {field: [old, new]} |
| OFFER_SLOT_CANCELLED | a study-visit slot is cancelled | {"starts_at": …} |
| REQUIREMENT_ACCEPTED, REQUIREMENT_REJECTED | a project lead decides a requirement | {"status": [old, new], "reason": …} |
| INVITATION_SENT, INVITATION_ACCEPTED, INVITATION_REVOKED | invitations to an organisation | {"role": …} |
| CLASS_INVITATION_SENT, CLASS_INVITATION_ACCEPTED | a school invites a class's students; one accepts (logged on the school) | {"class_name": …} |
| ORGANISATION_ACTIVATED, ORGANISATION_DEACTIVATED | an organisation joins or leaves | {"active": [old, new]} |
| AGREEMENT_ADDED, AGREEMENT_CHANGED | a partnership agreement is saved | {field: [old, new]} |
| STEERING_MEMBER_ADDED, _CHANGED, _REMOVED | a steering group's members (logged on the group) | {"member": id, "represents": …, field: [old, new]} |
| INVENTORY_OPENED, INVENTORY_CLOSED | a project lead opens or closes a needs inventory round | {"answer_by": …, "asked": count} / {"closed_at": …} |
| INVENTORY_ANSWERED | an organisation's member saves its stated need (logged on the round) | {area's Swedish name: [old "1/3/5", new]} for each area changed |
| PLACEMENT_AGREEMENT_CREATED, _CHANGED | a company saves a placement's APL agreement | {field: [old, new]} (no names or contact details: "supervisor" when they change) |
| PLACEMENT_AGREEMENT_AGE_SET | school staff say whether the student is under 18 | {"student_under_18": [old, new]} |
| PLACEMENT_STARTED | the company or the school marks a placement started | {} |
| PLACEMENT_ASSESSED | the company saves the final assessment | {"objectives": count} |
| PLACEMENT_CONVERSATION_SAVED | the teacher books or notes the three-party conversation | {"conversation_on": [old, new]} |
| PLACEMENT_ATTENDANCE_SAVED | the company records attendance | {"weeks": count} |
| ROUND_CREATED, ROUND_OPENED, ROUND_CLOSED | school staff create an allocation round, open its choices, close it | {"title": …} / {"status": [old, new]} |
| ROUND_ALLOCATED | a round is allocated (by staff or the nightly job) | {"seed": …, "algorithm_version": …, "automatic": bool} |
| ROUND_PLACED_BY_HAND | staff place an unplaced student by hand (logged on the round) | {"place": id, "reason": …} |
| ROUND_CAPACITY_CONFIRMED | a company confirms its places for a round (logged on the place) | {"capacity": [old, new]} |
| ROUND_STUDENT_CONFIRMED, ROUND_STUDENT_DECLINED | a company confirms or declines an allocated student (logged on the allocation) | {"place": id} / {"place": id, "reason": …} |
| ACCOUNT_DELETED | a person deletes their account (no actor, no personal data) | {"role": …} |
| ADMIN_ADDED, ADMIN_CHANGED, ADMIN_DELETED | a project lead saves in Django admin | {"message": Django's structured change message without object names} |
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

OFFER_PUBLISHED = "placements.offer.published"
OFFER_CLOSED = "placements.offer.closed"
OFFER_COPIED = "placements.offer.copied"
OFFER_EDITED = "placements.offer.edited"
OFFER_SLOT_CHANGED = "placements.offer.slot.changed"
OFFER_SLOT_CANCELLED = "placements.offer.slot.cancelled"
REQUIREMENT_ACCEPTED = "programs.requirement.accepted"
REQUIREMENT_REJECTED = "programs.requirement.rejected"
INVITATION_SENT = "partners.invitation.sent"
INVITATION_ACCEPTED = "partners.invitation.accepted"
INVITATION_REVOKED = "partners.invitation.revoked"
CLASS_INVITATION_SENT = "placements.class_invitation.sent"
CLASS_INVITATION_ACCEPTED = "placements.class_invitation.accepted"
ORGANISATION_ACTIVATED = "partners.organisation.activated"
ORGANISATION_DEACTIVATED = "partners.organisation.deactivated"
AGREEMENT_ADDED = "partners.agreement.added"
AGREEMENT_CHANGED = "partners.agreement.changed"
STEERING_MEMBER_ADDED = "partners.steering_member.added"
STEERING_MEMBER_REMOVED = "partners.steering_member.removed"
STEERING_MEMBER_CHANGED = "partners.steering_member.changed"
INVENTORY_OPENED = "programs.inventory.opened"
INVENTORY_CLOSED = "programs.inventory.closed"
INVENTORY_ANSWERED = "programs.inventory.answered"
PLACEMENT_AGREEMENT_CREATED = "placements.agreement.created"
PLACEMENT_AGREEMENT_CHANGED = "placements.agreement.changed"
PLACEMENT_AGREEMENT_AGE_SET = "placements.agreement.age_set"
PLACEMENT_STARTED = "placements.agreement.started"
PLACEMENT_ASSESSED = "placements.agreement.assessed"
PLACEMENT_CONVERSATION_SAVED = "placements.agreement.conversation_saved"
PLACEMENT_ATTENDANCE_SAVED = "placements.agreement.attendance_saved"
ROUND_CREATED = "placements.round.created"
ROUND_OPENED = "placements.round.opened"
ROUND_ALLOCATED = "placements.round.allocated"
ROUND_PLACED_BY_HAND = "placements.round.placed_by_hand"
ROUND_CLOSED = "placements.round.closed"
ROUND_CAPACITY_CONFIRMED = "placements.round.capacity_confirmed"
ROUND_STUDENT_CONFIRMED = "placements.round.student_confirmed"
ROUND_STUDENT_DECLINED = "placements.round.student_declined"
ACCOUNT_DELETED = "accounts.account.deleted"
ADMIN_ADDED = "admin.added"
ADMIN_CHANGED = "admin.changed"
ADMIN_DELETED = "admin.deleted"

ACTION_TEXTS = {
    OFFER_PUBLISHED: _("Offer published"),
    OFFER_CLOSED: _("Offer closed"),
    OFFER_COPIED: _("Offer copied"),
    OFFER_EDITED: _("Offer edited"),
    OFFER_SLOT_CHANGED: _("Study-visit time changed"),
    OFFER_SLOT_CANCELLED: _("Study-visit time cancelled"),
    REQUIREMENT_ACCEPTED: _("Requirement accepted"),
    REQUIREMENT_REJECTED: _("Requirement rejected"),
    INVITATION_SENT: _("Invitation sent"),
    INVITATION_ACCEPTED: _("Invitation accepted"),
    INVITATION_REVOKED: _("Invitation revoked"),
    CLASS_INVITATION_SENT: _("Class invitation sent"),
    CLASS_INVITATION_ACCEPTED: _("Class invitation accepted"),
    ORGANISATION_ACTIVATED: _("Organisation activated"),
    ORGANISATION_DEACTIVATED: _("Organisation deactivated"),
    AGREEMENT_ADDED: _("Agreement added"),
    AGREEMENT_CHANGED: _("Agreement changed"),
    STEERING_MEMBER_ADDED: _("Steering-group member added"),
    STEERING_MEMBER_REMOVED: _("Steering-group member removed"),
    STEERING_MEMBER_CHANGED: _("Steering-group member changed"),
    INVENTORY_OPENED: _("Needs inventory opened"),
    INVENTORY_CLOSED: _("Needs inventory closed"),
    INVENTORY_ANSWERED: _("Needs inventory answered"),
    PLACEMENT_AGREEMENT_CREATED: _("Placement agreement created"),
    PLACEMENT_AGREEMENT_CHANGED: _("Placement agreement changed"),
    PLACEMENT_AGREEMENT_AGE_SET: _("Student's age stated on a placement agreement"),
    PLACEMENT_STARTED: _("Placement started"),
    PLACEMENT_ASSESSED: _("Placement assessed"),
    PLACEMENT_CONVERSATION_SAVED: _("Three-party conversation saved"),
    PLACEMENT_ATTENDANCE_SAVED: _("Attendance recorded"),
    ROUND_CREATED: _("Allocation round created"),
    ROUND_OPENED: _("Allocation round opened for choices"),
    ROUND_ALLOCATED: _("Allocation round allocated"),
    ROUND_PLACED_BY_HAND: _("Student placed by hand in an allocation round"),
    ROUND_CLOSED: _("Allocation round closed"),
    ROUND_CAPACITY_CONFIRMED: _("Places confirmed for an allocation round"),
    ROUND_STUDENT_CONFIRMED: _("Allocated student confirmed by the company"),
    ROUND_STUDENT_DECLINED: _("Allocated student declined by the company"),
    ACCOUNT_DELETED: _("Account deleted"),
    ADMIN_ADDED: _("Added in administration"),
    ADMIN_CHANGED: _("Changed in administration"),
    ADMIN_DELETED: _("Deleted in administration"),
}

# Names of the keys of `data` that callers commonly use, for showing a change to people.
FIELD_LABELS = {
    "status": _("status"),
    "capacity": _("places"),
    "places": _("places"),
    "starts_at": _("starts"),
    "ends_at": _("ends"),
    "period_start": _("period starts"),
    "period_end": _("period ends"),
    "deadline": _("application deadline"),
    "application_deadline": _("application deadline"),
    "copied_from": _("copied from"),
    "slot": _("time"),
    "automatic": _("automatically"),
    "reason": _("reason"),
    "role": _("role"),
    "class_name": _("class"),
    "active": _("active"),
    "title": _("title"),
    "signed_on": _("signed on"),
    "valid_from": _("valid from"),
    "valid_to": _("valid to"),
    "document": _("document"),
    "responsible_id": _("responsible project lead"),
    "kind": _("kind"),
    "counterparty_id": _("education provider"),
    "member": _("member"),
    "represents": _("represents"),
    "is_chair": _("chair"),
    "from_date": _("from"),
    "to_date": _("to"),
    "answer_by": _("answer by"),
    "asked": _("asked organisations"),
    "closed_at": _("closed"),
    "seed": _("lottery seed"),
    "algorithm_version": _("algorithm version"),
    "place": _("place"),
    "parent": _("follow-up of"),
}


# Display texts of the stored values of some keys (statuses, roles), so a change reads
# "Utkast → Stängd", not "draft → closed". The same words as the apps' own choices.
VALUE_LABELS = {
    "status": {
        "draft": _("Draft"),
        "published": _("Published"),
        "closed": _("Closed"),
        "proposed": _("Proposed"),
        "accepted": _("Accepted"),
        "rejected": pgettext_lazy("requirement status", "Rejected"),
        "open": _("Open for choices"),
        "allocated": _("Allocated"),
    },
    "role": {
        "representative": _("Representative"),
        "admin": _("Organisation admin"),
    },
    "kind": {
        "collaboration": _("Partnership agreement (samverkansavtal)"),
        "intent": _("Declaration of intent (avsiktsförklaring)"),
    },
}


def is_known(action):
    return action in ACTION_TEXTS


def text_for(action):
    """The display text of `action` in the active language (the raw type if it is unknown)."""
    return ACTION_TEXTS.get(action, action)


def choices():
    """(action, display text) pairs, for filters."""
    return list(ACTION_TEXTS.items())
