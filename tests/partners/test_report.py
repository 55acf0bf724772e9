"""The partnership report: for project leads only, its figures right, every chart with its table,
downloadable as CSV, and as fast with many partners as with few."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import (
    Agreement,
    Organisation,
    OrganisationKind,
    SteeringGroup,
    SteeringGroupMember,
)
from partners.report import partners_section
from tests.factories import MembershipFactory, OrganisationFactory, PartnerRoleFactory
from tests.helpers import make_invitation, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def report_url(language="en"):
    return url("report", lang=language)


def agreement(organisation, starts_in, ends_in, title="Avtal"):
    return Agreement.objects.create(
        organisation=organisation,
        title=title,
        valid_from=TODAY + timedelta(days=starts_in),
        valid_to=None if ends_in is None else TODAY + timedelta(days=ends_in),
    )


@pytest.fixture
def partnership(company, company2, school, rep, rep2, colleague, teacher):
    """LK Precision and Täljegymnasiet in Södertälje, Huddinge Fräs in Huddinge, plus:"""
    region = OrganisationFactory(
        name="Region Stockholm", kind=OrganisationKind.REGION, municipality="Stockholm"
    )
    OrganisationFactory(
        name="Huddinge kommun", kind=OrganisationKind.MUNICIPALITY, municipality="Huddinge"
    )
    gone = OrganisationFactory(
        name="Nedlagd Verkstad AB",
        kind=OrganisationKind.COMPANY,
        municipality="Nacka",
        active=False,
    )
    PartnerRoleFactory(organisation=gone, role="internship_host")
    PartnerRoleFactory(organisation=region, role="funder")

    agreement(company, -300, 400, "Giltigt")
    agreement(company2, -300, 20, "Snart slut")
    agreement(school, -700, -5, "Utgånget")
    agreement(region, 10, 700, "Inte börjat")
    agreement(region, -100, None, "Tills vidare")

    make_invitation(company, "a@lk.se", token="a")
    make_invitation(company, "b@lk.se", token="b")
    make_invitation(company2, "c@fras.se", token="c")
    make_invitation(company, "old@lk.se", token="old", expires_in_days=-1)
    make_invitation(company, "done@lk.se", token="done", accepted_at=timezone.now())
    make_invitation(gone, "x@nedlagd.se", token="gone")  # can no longer be accepted


# What the report must say about `partnership`, counted by hand.
EXPECTED_BY_KIND = {"Company": 2, "Region": 1, "Municipality": 1, "School": 1}
EXPECTED_BY_ROLE = {
    "Requirement setter (kravställare)": 1,
    "Internship host": 2,
    "Study-visit host": 1,
    "Funder": 1,
}
EXPECTED_AGREEMENTS = {
    "Not yet valid": 1,
    "Valid": 2,
    "Expiring within 60 days": 1,
    "Expired": 1,
}
EXPECTED_PER_MUNICIPALITY = {
    # municipality: [partners, members, pending invitations]
    "Huddinge": [2, 1, 1],  # Huddinge Fräs, Huddinge kommun; Jonas; c@
    "Stockholm": [1, 0, 0],
    "Södertälje": [2, 3, 2],  # LK Precision, Täljegymnasiet; Karin, Per, Maria; a@, b@
    # Nacka's only partner is inactive: its invitation can no longer be accepted, no row.
}


def tables(response):
    (section,) = [s for s in response.context["sections"] if s.key == "partners"]
    return {table.caption: table for table in section.tables}


def as_dict(table):
    return {row[0]: row[1] if len(row) == 2 else row[1:] for row in table.rows}


def test_project_lead_sees_the_report_with_the_right_figures(client, lead, partnership):
    client.force_login(lead)

    response = client.get(report_url())

    assert response.status_code == 200
    found = tables(response)
    assert as_dict(found["Partners by kind"]) == EXPECTED_BY_KIND
    assert as_dict(found["Partners by role"]) == EXPECTED_BY_ROLE
    assert as_dict(found["Partnership agreements by status"]) == EXPECTED_AGREEMENTS
    assert as_dict(found["Per municipality"]) == EXPECTED_PER_MUNICIPALITY


def test_figures_match_counts_made_from_the_database(client, lead, partnership):
    client.force_login(lead)
    active = [o for o in Organisation.objects.all() if o.active]

    found = tables(client.get(report_url()))

    by_kind = as_dict(found["Partners by kind"])
    for kind, label in OrganisationKind.choices:
        assert by_kind.get(label, 0) == sum(1 for o in active if o.kind == kind)
    statuses = as_dict(found["Partnership agreements by status"])
    assert sum(statuses.values()) == Agreement.objects.count()
    pending = {
        m: sum(
            1
            for o in active
            if o.municipality == m
            for i in o.invitations.all()
            if i.accepted_at is None and i.expires_at > timezone.now()
        )
        for m in ("Huddinge", "Stockholm", "Södertälje")
    }
    per_municipality = as_dict(found["Per municipality"])
    assert {m: row[2] for m, row in per_municipality.items()} == pending


def test_figures_are_on_the_page(client, lead, partnership):
    client.force_login(lead)

    html = client.get(report_url()).content.decode()

    assert '<th scope="row">Company</th><td class="num">2</td>' in html
    assert '<th scope="row">Expired</th><td class="num">1</td>' in html
    assert (
        '<th scope="row">Huddinge</th><td class="num">2</td><td class="num">1</td>'
        '<td class="num">1</td>' in html
    )


def test_every_chart_has_a_data_table(client, lead, partnership):
    client.force_login(lead)

    html = client.get(report_url()).content.decode()

    blocks = html.split('<div class="report-block">')[1:]
    charts = [block for block in blocks if "<svg" in block]
    assert len(charts) >= 4
    for block in charts:
        title = re.search(r"<title[^>]*>(.*?):", block).group(1)
        caption = re.search(r"<caption[^>]*>(.*?)</caption>", block).group(1)
        assert title == caption
        bars = block.count("<rect")
        rows = block.split("<tbody>")[1].count("<tr>")
        assert bars == rows


def test_csv_download(client, lead, partnership):
    client.force_login(lead)

    response = client.get(report_url(), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Partners", "Partners by kind"] in rows
    assert ["Company", "2"] in rows
    assert ["Södertälje", "2", "3", "2"] in rows
    assert ["Expiring within 60 days", "1"] in rows


@pytest.mark.parametrize("person", ["student", "rep", "teacher"])
def test_report_is_for_project_leads_only(client, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(report_url("sv")).status_code == 403
    assert client.get(report_url("sv"), {"format": "csv"}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(report_url("sv"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Query count ---------------------------------------------------------------------------

# kinds, roles, agreement statuses, members, pending invitations, partners per municipality,
# steering groups with their members and the members' organisations (3): measured 9.
PARTNERS_SECTION_QUERIES = 9


def many_partners(n, start=0):
    for i in range(start, start + n):
        organisation = OrganisationFactory(
            kind=list(OrganisationKind.values)[i % 8],
            municipality=["Huddinge", "Södertälje", "Nacka"][i % 3],
        )
        PartnerRoleFactory(organisation=organisation, role="funder")
        MembershipFactory(organisation=organisation)
        agreement(organisation, -i, i * 10)
        make_invitation(organisation, f"p{i}@example.org", token=f"t{i}")


def count_report_queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(report_url()).status_code == 200
    return len(captured)


def test_partners_section_query_count_is_fixed(django_assert_num_queries):
    many_partners(60)
    for i in range(10):
        group = SteeringGroup.objects.create(name=f"G{i}", level="regional")
        for organisation in Organisation.objects.all()[:5]:
            SteeringGroupMember.objects.create(
                group=group, person_name="N", organisation=organisation
            )

    with django_assert_num_queries(PARTNERS_SECTION_QUERIES):
        partners_section()


def test_report_page_costs_the_same_with_many_partners(client, lead, django_assert_max_num_queries):
    client.force_login(lead)
    many_partners(2)
    # The whole page (11 queries when measured: session, user, the partners section's 9) also
    # holds other apps' sections, so it is compared with itself rather than pinned.
    few = count_report_queries(client)

    many_partners(80, start=2)
    with django_assert_max_num_queries(few):
        assert client.get(report_url()).status_code == 200
