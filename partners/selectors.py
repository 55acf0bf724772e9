"""Reads that pages compose from partners: the partnership in numbers, a person's memberships."""

from .models import Organisation, OrganisationKind


def partnership_numbers():
    """The active partners, and how many are companies and municipalities."""
    organisations = list(Organisation.objects.active().only("name", "slug", "kind"))
    return {
        "organisations": organisations,
        "companies": sum(1 for o in organisations if o.kind == OrganisationKind.COMPANY),
        "municipalities": sum(1 for o in organisations if o.kind == OrganisationKind.MUNICIPALITY),
    }


def memberships_of(user):
    return list(
        user.memberships.select_related("organisation").prefetch_related("organisation__roles")
    )
