"""Steering groups and Teknikcollege's rule: companies in the majority and a company chair."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from partners.models import OrganisationKind, SteeringGroup, SteeringGroupMember
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(db):
    return OrganisationFactory(name="Södertälje kommun", kind=OrganisationKind.MUNICIPALITY)


@pytest.fixture
def union(db):
    return OrganisationFactory(name="IF Metall", kind=OrganisationKind.UNION)


def steering_group(name, members, level="regional", municipality=""):
    """`members`: (organisation, is_chair) or (organisation, is_chair, from_days, to_days)."""
    group = SteeringGroup.objects.create(name=name, level=level, municipality=municipality)
    today = timezone.localdate()
    for i, member in enumerate(members):
        organisation, chair, *span = member
        from_days, to_days = span or (-365, None)
        SteeringGroupMember.objects.create(
            group=group,
            person_name=f"Ledamot {i}",
            organisation=organisation,
            is_chair=chair,
            from_date=today + timedelta(days=from_days),
            to_date=None if to_days is None else today + timedelta(days=to_days),
        )
    return SteeringGroup.objects.prefetch_related("members__organisation").get(pk=group.pk)


def test_company_majority_with_company_chair_meets_the_rule(company, company2, municipality):
    group = steering_group("Regional", [(company, True), (company2, False), (municipality, False)])

    assert group.composition() == {
        "members": 3,
        "companies": 2,
        "company_majority": True,
        "company_chair": True,
        "meets_rule": True,
    }


def test_without_company_majority_the_rule_fails(company, municipality, union):
    group = steering_group("Jämvikt", [(company, True), (municipality, False), (union, False)])

    composition = group.composition()
    assert composition["company_chair"]
    assert not composition["company_majority"]
    assert not composition["meets_rule"]


def test_half_companies_is_not_a_majority(company, company2, municipality, union):
    group = steering_group(
        "Hälften", [(company, True), (company2, False), (municipality, False), (union, False)]
    )

    assert not group.composition()["company_majority"]
    assert not group.composition()["meets_rule"]


def test_company_majority_with_a_municipality_chair_fails(company, company2, municipality):
    group = steering_group(
        "Kommunen leder", [(municipality, True), (company, False), (company2, False)]
    )

    composition = group.composition()
    assert composition["company_majority"]
    assert not composition["company_chair"]
    assert not composition["meets_rule"]


def test_a_group_without_chair_fails(company, company2):
    group = steering_group("Utan ordförande", [(company, False), (company2, False)])

    assert not group.composition()["meets_rule"]


def test_members_who_have_left_do_not_count(company, company2, municipality, union):
    group = steering_group(
        "Avgångna",
        [
            (municipality, True),
            (union, False),
            (company, False, -400, -30),  # left a month ago
            (company2, False, -400, -1),  # left yesterday
        ],
    )

    composition = group.composition()
    assert composition["members"] == 2
    assert composition["companies"] == 0
    assert not composition["meets_rule"]


def test_a_chair_who_left_is_replaced_by_the_current_one(company, company2, municipality):
    group = steering_group(
        "Ny ordförande",
        [
            (municipality, True, -700, -10),
            (company, True),
            (company2, False),
            (municipality, False),
        ],
    )

    assert group.composition()["company_chair"]
    assert group.composition()["meets_rule"]


def test_composition_on_a_past_day_counts_who_sat_then(company, company2, municipality):
    group = steering_group(
        "Historik",
        [(company, True, -400, -30), (company2, False), (municipality, False, -400, -30)],
    )
    forty_days_ago = timezone.localdate() - timedelta(days=40)

    assert group.composition(forty_days_ago)["members"] == 3
    assert group.composition(forty_days_ago)["meets_rule"]
    assert group.composition()["members"] == 1
    assert not group.composition()["meets_rule"]


def test_composition_uses_prefetched_members_without_queries(
    company, company2, municipality, django_assert_num_queries
):
    group = steering_group("Prefetch", [(company, True), (company2, False), (municipality, False)])

    with django_assert_num_queries(0):
        group.composition()


# --- Where project leads see it ------------------------------------------------------------


@pytest.fixture
def two_groups(company, company2, municipality, union):
    steering_group(
        "Regional styrgrupp", [(company, True), (company2, False), (municipality, False)]
    )
    steering_group(
        "Lokal styrgrupp Södertälje",
        [(municipality, True), (company, False), (union, False), (company2, False, -400, -1)],
        level="local",
        municipality="Södertälje",
    )


def changelist_row(html, name):
    (row,) = [row for row in html.split("<tr")[1:] if name in row]
    return row


def test_admin_changelist_shows_who_meets_the_rule(client, lead, two_groups):
    client.force_login(lead)

    html = client.get(reverse("admin:partners_steeringgroup_changelist")).content.decode()

    regional = changelist_row(html, "Regional styrgrupp")
    local = changelist_row(html, "Lokal styrgrupp Södertälje")
    assert "badge-ok" in regional and "badge-error" not in regional
    assert "badge-error" in local and "badge-ok" not in local
    assert '<td class="field-member_total">3</td>' in regional
    assert '<td class="field-member_total">3</td>' in local  # the one who left is not counted


def test_report_shows_who_meets_the_rule(client, lead, two_groups):
    client.force_login(lead)

    with translation.override("en"):
        response = client.get(reverse("report"))
        (section,) = [s for s in response.context["sections"] if s.key == "partners"]
        (table,) = [t for t in section.tables if t.caption.startswith("Steering groups")]
        rows = {row[0]: row for row in table.rows}

    assert rows["Regional styrgrupp"][2:] == [3, 2, "Yes", "Yes", "Yes"]
    assert rows["Lokal styrgrupp Södertälje"][2:] == [3, 1, "No", "No", "No"]
    html = response.content.decode()
    assert "Regional styrgrupp" in html and "Lokal styrgrupp Södertälje" in html
    # A broken rule stands out; a kept one does not.
    assert html.count('<strong class="badge badge-error">No</strong>') == 3
    assert '<strong class="badge badge-error">Yes</strong>' not in html
