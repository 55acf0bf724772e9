"""The public partner list and partner pages: filters that combine, pages that keep them,
inactive partners hidden from everyone but project leads."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Organisation, OrganisationKind
from tests.factories import OrganisationFactory, PartnerRoleFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db

LIST = "partners:list"


def list_url(language="sv"):
    return url(LIST, lang=language)


def names(response):
    return [o.name for o in response.context["page"].object_list]


@pytest.fixture
def partners(company, company2, school):
    """Three companies, a school, a municipality and an inactive company."""
    OrganisationFactory(
        name="Södertälje kommun", kind=OrganisationKind.MUNICIPALITY, municipality="Södertälje"
    )
    svarv = OrganisationFactory(
        name="Botkyrka Svarv AB",
        municipality="Botkyrka",
        description="CNC-svarvning och fräsning i korta serier.",
    )
    PartnerRoleFactory(organisation=svarv, role="study_visit_host")
    closed = OrganisationFactory(name="Nedlagd Fräs AB", municipality="Nacka", active=False)
    PartnerRoleFactory(organisation=closed, role="internship_host")
    return closed


def test_list_shows_active_partners_with_their_roles(client, partners):
    response = client.get(list_url("en"))

    assert response.status_code == 200
    assert names(response) == [
        "Botkyrka Svarv AB",
        "Huddinge Fräs AB",
        "LK Precision AB",
        "Södertälje kommun",
        "Täljegymnasiet",
    ]
    html = response.content.decode()
    assert "Study-visit host" in html
    assert "Nedlagd Fräs AB" not in html


def test_filter_by_kind(client, partners):
    response = client.get(list_url(), {"kind": "municipality"})

    assert names(response) == ["Södertälje kommun"]
    assert response.context["total"] == 1


def test_filter_by_role(client, partners):
    assert names(client.get(list_url(), {"role": "internship_host"})) == [
        "Huddinge Fräs AB",
        "LK Precision AB",
    ]
    assert names(client.get(list_url(), {"role": "study_visit_host"})) == [
        "Botkyrka Svarv AB",
        "LK Precision AB",
    ]


def test_search_looks_in_name_description_and_municipality(client, partners):
    found = names(client.get(list_url(), {"q": "fräs"}))
    assert sorted(found) == ["Botkyrka Svarv AB", "Huddinge Fräs AB"]
    assert names(client.get(list_url(), {"q": "Huddinge"})) == ["Huddinge Fräs AB"]


def test_search_ranks_a_name_match_first_and_understands_swedish(client, partners):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ranking and stemming need PostgreSQL's Swedish full-text search")
    assert names(client.get(list_url(), {"q": "fräs"}))[0] == "Huddinge Fräs AB"
    # "fräsningen" is stemmed to the same word as "fräsning" in a description.
    assert "Botkyrka Svarv AB" in names(client.get(list_url(), {"q": "fräsningen"}))


def test_filters_combine(client, partners):
    response = client.get(list_url(), {"q": "fräs", "kind": "company", "role": "study_visit_host"})

    assert names(response) == ["Botkyrka Svarv AB"]
    assert names(client.get(list_url(), {"kind": "school", "role": "internship_host"})) == []


def test_no_match_says_so(client, partners):
    response = client.get(list_url("en"), {"q": "finns inte"})

    assert response.context["total"] == 0
    assert "No partners match" in response.content.decode()


def test_a_partner_with_several_matching_roles_is_listed_once(client, company):
    response = client.get(list_url(), {"q": "LK"})

    assert names(response) == ["LK Precision AB"]


def test_inactive_partners_are_hidden_from_the_public_but_not_from_leads(
    client, lead, rep, partners
):
    assert "Nedlagd Fräs AB" not in names(client.get(list_url(), {"role": "internship_host"}))
    assert client.get(url("partners:detail", partners.slug)).status_code == 404

    client.force_login(rep)
    assert "Nedlagd Fräs AB" not in names(client.get(list_url()))
    assert client.get(url("partners:detail", partners.slug)).status_code == 404

    client.force_login(lead)
    assert "Nedlagd Fräs AB" in names(client.get(list_url(), {"role": "internship_host"}))
    assert client.get(url("partners:detail", partners.slug)).status_code == 200


def test_own_member_of_an_inactive_organisation_gets_404_too(client, rep, company):
    Organisation.objects.filter(pk=company.pk).update(active=False)
    client.force_login(rep)

    assert client.get(url("partners:detail", company.slug)).status_code == 404


def test_partner_page_shows_the_public_profile(client, company):
    Organisation.objects.filter(pk=company.pk).update(
        description="Precisionsbearbetning i fem axlar.", website="https://lk.example"
    )

    response = client.get(url("partners:detail", company.slug))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>LK Precision AB</h1>" in html
    assert "Precisionsbearbetning i fem axlar." in html
    assert company.organisation_number in html


def test_unknown_partner_is_404(client):
    assert client.get(reverse("partners:detail", kwargs={"slug": "finns-inte"})).status_code == 404


# --- Pagination ----------------------------------------------------------------------------


@pytest.fixture
def fifty_companies(db):
    for i in range(50):
        organisation = OrganisationFactory(name=f"Verkstad {i:02d} AB", municipality="Nacka")
        PartnerRoleFactory(organisation=organisation, role="internship_host")
        PartnerRoleFactory(organisation=organisation, role="funder")
    OrganisationFactory(
        name="Nacka kommun", kind=OrganisationKind.MUNICIPALITY, municipality="Nacka"
    )


def page_links(response):
    """The pagination links, as {rel: query dict}."""
    html = response.content.decode()
    links = re.findall(r'<a href="([^"]*)" rel="(prev|next)"', html)
    return {rel: parse_qs(urlsplit(unescape(href)).query) for href, rel in links}


def test_list_is_paginated_and_page_links_keep_the_filters(client, fifty_companies):
    first = client.get(list_url(), {"q": "Nacka", "kind": "company", "role": "internship_host"})

    assert first.context["total"] == 50
    assert len(first.context["page"].object_list) == 24
    links = page_links(first)
    assert set(links) == {"next"}
    assert links["next"] == {
        "q": ["Nacka"],
        "kind": ["company"],
        "role": ["internship_host"],
        "page": ["2"],
    }

    last = client.get(list_url(), {**{k: v[0] for k, v in links["next"].items()}, "page": "3"})
    assert names(last) == ["Verkstad 48 AB", "Verkstad 49 AB"]
    assert page_links(last)["prev"]["page"] == ["2"]
    assert page_links(last)["prev"]["kind"] == ["company"]


def test_page_links_do_not_repeat_the_page_number(client, fifty_companies):
    second = client.get(list_url(), {"kind": "company", "page": "2"})

    assert page_links(second)["next"] == {"kind": ["company"], "page": ["3"]}
    assert page_links(second)["prev"] == {"kind": ["company"], "page": ["1"]}


def test_out_of_range_page_shows_the_last(client, fifty_companies):
    response = client.get(list_url(), {"page": "99"})

    assert response.status_code == 200
    assert response.context["page"].number == 3


# --- Query count ---------------------------------------------------------------------------

# Session-less visitor: count, page, roles prefetch. Measured 3 on SQLite and PostgreSQL.
LIST_QUERIES = 3


def test_list_query_count_is_fixed(client, fifty_companies, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(list_url(), {"role": "internship_host"})

    assert len(response.context["page"].object_list) == 24


def test_list_query_count_for_a_lead_is_fixed(
    client, lead, fifty_companies, django_assert_num_queries
):
    client.force_login(lead)

    with django_assert_num_queries(LIST_QUERIES + 2):  # + session and user
        client.get(list_url())


def test_detail_query_count_does_not_grow_with_roles(
    client, company, company2, django_assert_max_num_queries
):
    for role in ("funder", "steering_member", "education_provider", "project_owner"):
        PartnerRoleFactory(organisation=company, role=role)
    with CaptureQueriesContext(connection) as one_role:
        client.get(url("partners:detail", company2.slug))

    with django_assert_max_num_queries(len(one_role)):
        response = client.get(url("partners:detail", company.slug))

    assert len(response.context["organisation"].roles.all()) == 7
