"""Reads that pages compose from partners: the partnership in numbers, a person's memberships,
an organisation's agreements."""

from django.db.models import Exists, OuterRef

from .models import Agreement, Organisation, OrganisationKind, PartnerRole
from .search import search as search_organisations


def partnership_numbers():
    """The active partners, and how many are companies and municipalities."""
    organisations = list(Organisation.objects.active().only("name", "slug", "kind"))
    return {
        "organisations": organisations,
        "companies": sum(1 for o in organisations if o.kind == OrganisationKind.COMPANY),
        "municipalities": sum(1 for o in organisations if o.kind == OrganisationKind.MUNICIPALITY),
    }


def filtered_partners(organisations, data):
    """The partner list's filters (PartnerFilterForm's cleaned data) on `organisations`: the
    HTML list and the open data API alike."""
    if data.get("q"):
        # The stored, weighted vector (partners.search): name first, GIN index.
        organisations = search_organisations(organisations, data["q"])
    if data.get("kind"):
        organisations = organisations.filter(kind=data["kind"])
    if data.get("role"):
        # EXISTS, not a join: each organisation once, with no DISTINCT over every column.
        roles = PartnerRole.objects.filter(organisation=OuterRef("pk"), role=data["role"])
        organisations = organisations.filter(Exists(roles))
    return organisations


def memberships_of(user):
    return list(
        user.memberships.select_related("organisation").prefetch_related("organisation__roles")
    )


def agreements_of(organisation, user):
    """The agreements `organisation` is a party to (samverkansavtal and declarations of
    intent, the latest first), each with `party` (the other party of a declaration, None for a
    samverkansavtal) and `document_shown`: whether `user` may download its document (project
    leads and members of either party; never a visitor). Two queries."""
    agreements = list(
        Agreement.objects.of_party(organisation)
        .select_related("organisation", "counterparty")
        .order_by("-valid_from", "pk")
    )
    with_document = [a.pk for a in agreements if a.document]
    downloadable = set()
    if with_document:
        downloadable = set(
            Agreement.objects.with_documents_for(user)
            .filter(pk__in=with_document)
            .values_list("pk", flat=True)
        )
    for agreement in agreements:
        agreement.party = agreement.other_party(organisation)
        agreement.document_shown = agreement.pk in downloadable
    return agreements
