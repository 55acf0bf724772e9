"""The admin as project leads use it: changelists that stay fast, filters, actions, CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from partners.models import (
    Agreement,
    Organisation,
    OrganisationKind,
    PartnerRoleKind,
    SteeringGroup,
    SteeringGroupMember,
)
from tests.factories import MembershipFactory, OrganisationFactory, PartnerRoleFactory
from tests.helpers import make_invitation

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def agreement(organisation, *, ends_in, started_ago=300, **extra):
    today = TODAY()
    return Agreement.objects.create(
        organisation=organisation,
        title=extra.pop("title", f"Samverkansavtal {organisation.name}"),
        valid_from=today - timedelta(days=started_ago),
        valid_to=None if ends_in is None else today + timedelta(days=ends_in),
        **extra,
    )


def fifty_of_everything(lead):
    for i in range(50):
        organisation = OrganisationFactory(
            name=f"Skärteknik {i} AB", kind=OrganisationKind.COMPANY if i % 2 else "municipality"
        )
        PartnerRoleFactory(organisation=organisation, role="funder")
        PartnerRoleFactory(organisation=organisation, role="internship_host")
        MembershipFactory(organisation=organisation)
        agreement(organisation, ends_in=i, responsible=lead)
        group = SteeringGroup.objects.create(name=f"Styrgrupp {i}", level="regional")
        SteeringGroupMember.objects.create(
            group=group, person_name="Karin", organisation=organisation, is_chair=True
        )
        SteeringGroupMember.objects.create(
            group=group, person_name="Jonas", organisation=organisation
        )
        make_invitation(organisation, f"kontakt{i}@example.org", token=f"token-{i}")


# Measured on SQLite and PostgreSQL alike, the same with 1 row as with 50: session, user,
# counts, the page, and one query per prefetch or filter's choices.
CHANGELIST_BUDGETS = {
    "organisation": 6,  # + roles prefetched
    "agreement": 8,  # + the "responsible" and "kind" filters' choices
    "steeringgroup": 7,  # + members and their organisations prefetched
    "invitation": 5,
}


@pytest.mark.parametrize(("model", "budget"), CHANGELIST_BUDGETS.items())
def test_changelist_with_fifty_rows_stays_within_query_budget(
    client, lead, model, budget, django_assert_max_num_queries
):
    fifty_of_everything(lead)
    client.force_login(lead)
    url = reverse(f"admin:partners_{model}_changelist")

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 50
    assert len(response.context["cl"].result_list) == 50


def test_organisation_changelist_shows_roles_agreement_end_and_members(client, lead, company, rep):
    ends = agreement(company, ends_in=40).valid_to
    client.force_login(lead)

    response = client.get(reverse("admin:partners_organisation_changelist"))

    (row,) = response.context["cl"].result_list
    assert row.members_total == 1
    assert row.agreement_valid_to == ends
    with translation.override("sv"):
        assert str(PartnerRoleKind.INTERNSHIP_HOST.label) in response.content.decode()


# Memberships have no changelist of their own (no admin registered): they are an inline of the
# organisation's change form, whose query count is pinned here instead. With 30 agreements and
# 30 members, measured 72 (162 before the inlines selected their rows' organisation and user);
# what remains per row is Django's widgets: the responsible-lead choices and the user autocomplete.
# +1: the organisation's latest activity, read in one query.
CHANGE_FORM_WITH_30_ROWS = 73


def test_organisation_change_form_with_many_members_stays_within_query_budget(
    client, lead, company, django_assert_max_num_queries
):
    for i in range(30):
        MembershipFactory(organisation=company)
        agreement(company, ends_in=i, responsible=lead, title=f"Avtal {i}")
    client.force_login(lead)

    with django_assert_max_num_queries(CHANGE_FORM_WITH_30_ROWS):
        response = client.get(reverse("admin:partners_organisation_change", args=[company.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('name="memberships-') > 30


# --- Filters -------------------------------------------------------------------------------


@pytest.fixture
def agreements_of_every_kind(db):
    """One organisation per agreement situation, named after it."""
    made = {}
    for name, kind, ends_in in [
        ("Valid AB", OrganisationKind.COMPANY, 400),
        ("Expiring AB", OrganisationKind.COMPANY, 20),
        ("Expired kommun", OrganisationKind.MUNICIPALITY, -5),
        ("Open-ended förening", OrganisationKind.ASSOCIATION, None),
    ]:
        made[name] = OrganisationFactory(name=name, kind=kind)
        agreement(made[name], ends_in=ends_in)
    made["Renewed AB"] = OrganisationFactory(name="Renewed AB")
    agreement(made["Renewed AB"], ends_in=-30, started_ago=800, title="Old")
    agreement(made["Renewed AB"], ends_in=700, started_ago=29, title="New")
    made["Without agreement AB"] = OrganisationFactory(name="Without agreement AB")
    return made


def filtered(client, lead, **params):
    client.force_login(lead)
    response = client.get(reverse("admin:partners_organisation_changelist"), params)
    assert response.status_code == 200
    return sorted(o.name for o in response.context["cl"].result_list)


def test_filter_by_kind(client, lead, agreements_of_every_kind):
    assert filtered(client, lead, kind__exact="municipality") == ["Expired kommun"]
    assert filtered(client, lead, kind__exact="association") == ["Open-ended förening"]


def test_filter_by_partnership_role(client, lead, company, company2, school):
    PartnerRoleFactory(organisation=school, role="education_provider")

    assert filtered(client, lead, role="internship_host") == ["Huddinge Fräs AB", "LK Precision AB"]
    assert filtered(client, lead, role="requirement_setter") == ["LK Precision AB"]
    assert filtered(client, lead, role="education_provider") == ["Täljegymnasiet"]
    assert filtered(client, lead, role="funder") == []


def test_filter_by_agreement_expiring(client, lead, agreements_of_every_kind):
    assert filtered(client, lead, agreement="expiring") == ["Expiring AB"]


def test_filter_by_agreement_expired_leaves_out_renewed_organisations(
    client, lead, agreements_of_every_kind
):
    assert filtered(client, lead, agreement="expired") == ["Expired kommun"]


def test_filter_by_no_agreement(client, lead, agreements_of_every_kind):
    assert filtered(client, lead, agreement="none") == ["Without agreement AB"]


def test_filters_combine(client, lead, agreements_of_every_kind):
    assert filtered(client, lead, agreement="expired", kind__exact="company") == []
    assert filtered(client, lead, agreement="valid", kind__exact="company") == [
        "Renewed AB",
        "Valid AB",
    ]


def test_open_ended_agreement_is_shown_as_the_latest(client, lead, agreements_of_every_kind):
    organisation = agreements_of_every_kind["Open-ended förening"]
    agreement(organisation, ends_in=-100, started_ago=900, title="An older one")
    client.force_login(lead)

    response = client.get(
        reverse("admin:partners_organisation_changelist"), {"kind__exact": "association"}
    )

    (row,) = response.context["cl"].result_list
    assert row.agreement_valid_to is None  # until further notice, not the old end date


# --- Actions -------------------------------------------------------------------------------


def run_action(client, action, organisations, follow=False):
    return client.post(
        reverse("admin:partners_organisation_changelist"),
        {"action": action, "_selected_action": [o.pk for o in organisations], "index": "0"},
        follow=follow,
    )


def test_mark_inactive_action(client, lead, company, company2, school):
    client.force_login(lead)

    response = run_action(client, "mark_inactive", [company, company2], follow=True)

    assert response.status_code == 200
    assert set(Organisation.objects.filter(active=False)) == {company, company2}
    assert Organisation.objects.get(pk=school.pk).active
    assert any("2" in str(m) for m in response.context["messages"])
    # and the public no longer sees them
    client.logout()
    assert client.get(reverse("partners:detail", args=[company.slug])).status_code == 404


def test_csv_export_opens_in_excel_with_swedish_letters(client, lead, company, company2, rep):
    Organisation.objects.filter(pk=company2.pk).update(name="Åkessons Smörjteknik & Fräs AB")
    ends = agreement(company, ends_in=100).valid_to
    client.force_login(lead)

    response = run_action(client, "export_csv", [company, company2])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="organisations.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *lines = rows
    assert len(header) == 8
    by_name = {line[0]: line for line in lines}
    assert set(by_name) == {"LK Precision AB", "Åkessons Smörjteknik & Fräs AB"}
    lk = by_name["LK Precision AB"]
    assert lk[1] == company.organisation_number
    assert lk[5] == ends.isoformat()
    assert lk[6] == "1"  # Karin


def test_csv_export_neutralises_formulas(client, lead, company):
    Organisation.objects.filter(pk=company.pk).update(name='=HYPERLINK("http://evil")')
    client.force_login(lead)

    response = run_action(client, "export_csv", [company])

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0].startswith("'=")


def test_invite_action_opens_the_invite_page_for_one_organisation(client, lead, company, company2):
    client.force_login(lead)

    one = run_action(client, "invite_contacts", [company])
    two = run_action(client, "invite_contacts", [company, company2], follow=True)

    assert one.status_code == 302
    assert one["Location"] == reverse("admin:partners_organisation_invite", args=[company.pk])
    assert two.redirect_chain[-1][0].startswith(reverse("admin:partners_organisation_changelist"))


def test_change_form_links_to_invite_contacts(client, lead, company):
    client.force_login(lead)

    response = client.get(reverse("admin:partners_organisation_change", args=[company.pk]))

    invite = reverse("admin:partners_organisation_invite", args=[company.pk])
    assert f'href="{invite}"' in response.content.decode()


# --- Who gets in ----------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["student", "rep", "colleague", "teacher"])
def test_non_staff_cannot_reach_admin(client, request, person, company):
    client.force_login(request.getfixturevalue(person))

    for url in [
        reverse("admin:index"),
        reverse("admin:partners_organisation_changelist"),
        reverse("admin:partners_organisation_change", args=[company.pk]),
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
    assert run_action(client, "mark_inactive", [company], follow=True).status_code == 403
    assert Organisation.objects.get(pk=company.pk).active


def test_anonymous_is_sent_to_login_from_admin(client, company):
    response = client.get(reverse("admin:partners_organisation_changelist"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_project_lead_reaches_admin(client, lead):
    client.force_login(lead)

    assert client.get(reverse("admin:index")).status_code == 200
