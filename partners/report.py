"""The partners section of the partnership report."""

from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from college_portal.reports import Flag, Section, Table

from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PartnerRole,
    PartnerRoleKind,
    SteeringGroup,
)
from .municipalities import MUNICIPALITIES


def yes_no(value):
    """Yes, or a flagged No: every 'no' here is a certification criterion not met."""
    return _("Yes") if value else Flag(_("No"))


def partners_section():
    today = timezone.localdate()
    active = Organisation.objects.active()
    by_kind = dict(active.values_list("kind").annotate(n=Count("pk")))
    by_role = dict(
        PartnerRole.objects.filter(organisation__active=True)
        .values_list("role")
        .annotate(n=Count("pk"))
    )
    statuses = Counter(
        (a.kind, a.status_on(today)) for a in Agreement.objects.only("kind", "valid_from", "valid_to")
    )
    groups = SteeringGroup.objects.prefetch_related("members__organisation")
    members = dict(
        Membership.objects.filter(organisation__active=True)
        .values_list("organisation__municipality")
        .annotate(n=Count("pk"))
    )
    pending = dict(
        Invitation.objects.pending()
        .values_list("organisation__municipality")
        .annotate(n=Count("pk"))
    )
    partners_by_municipality = dict(
        active.exclude(municipality="").values_list("municipality").annotate(n=Count("pk"))
    )
    per_municipality = [
        [m, partners_by_municipality.get(m, 0), members.get(m, 0), pending.get(m, 0)]
        for m in MUNICIPALITIES
        if partners_by_municipality.get(m) or members.get(m) or pending.get(m)
    ]
    group_rows = []
    for group in groups:
        c = group.composition(today)
        group_rows.append(
            [
                group.name,
                group.get_level_display(),
                c["members"],
                c["companies"],
                yes_no(c["company_majority"]),
                yes_no(c["company_chair"]),
                yes_no(c["meets_rule"]),
            ]
        )
    return Section(
        key="partners",
        title=_("Partners"),
        tables=[
            Table(
                _("Partners by kind"),
                [_("Kind"), _("Partners")],
                [[label, by_kind[v]] for v, label in OrganisationKind.choices if by_kind.get(v)],
                chart=True,
            ),
            Table(
                _("Partners by role"),
                [_("Role"), _("Partners")],
                [[label, by_role[v]] for v, label in PartnerRoleKind.choices if by_role.get(v)],
                chart=True,
            ),
            Table(
                _("Partnership agreements by status"),
                [_("Status"), _("Agreements")],
                [
                    [label, statuses.get((AgreementKind.COLLABORATION, v), 0)]
                    for v, label in AgreementStatus.choices
                ],
                chart=True,
            ),
            Table(
                _("Declarations of intent by status"),
                [_("Status"), _("Declarations of intent")],
                [
                    [label, statuses.get((AgreementKind.INTENT, v), 0)]
                    for v, label in AgreementStatus.choices
                ],
            ),
            Table(
                _("Steering groups: companies in majority and a company chair"),
                [
                    _("Group"),
                    _("Level"),
                    _("Members"),
                    _("Company representatives"),
                    _("Companies in majority"),
                    _("Company chair"),
                    _("Meets the rule"),
                ],
                group_rows,
            ),
            Table(
                _("Per municipality"),
                [_("Municipality"), _("Partners"), _("Members"), _("Pending invitations")],
                per_municipality,
                chart=True,
            ),
        ],
    )


def declarations_of_intent_evidence(period):
    """Yearly report, criterion 2 (Regional samverkan): the declarations of intent between a
    company and an education provider that were valid on at least one day of `period`."""
    declarations = (
        Agreement.objects.declarations_of_intent()
        .valid_between(period.start, period.end)
        .select_related("organisation", "counterparty")
        .order_by("organisation__name", "counterparty__name", "valid_from", "pk")
    )
    return [
        Table(
            _("Declarations of intent (avsiktsförklaringar) valid during %(year)s")
            % {"year": period.year},
            [
                _("Company"),
                _("Education provider"),
                _("Declaration of intent"),
                _("Signed"),
                _("Valid from"),
                _("Valid to"),
            ],
            [
                [
                    d.organisation.name,
                    d.counterparty.name,
                    d.title,
                    d.signed_on.isoformat() if d.signed_on else "",
                    d.valid_from.isoformat(),
                    d.valid_to.isoformat() if d.valid_to else _("Until further notice"),
                ]
                for d in declarations
            ],
        )
    ]
