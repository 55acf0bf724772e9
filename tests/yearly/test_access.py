"""Who opens the yearly report: project leads, and people with their own seat in a steering
group during that year; members of the regional steering group also write the assessment.
Everyone else is refused, whatever the format."""

import pytest

from college_portal.accounts.models import Role
from college_portal.yearly.models import CriterionAssessment, FrozenReport
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import page, post, url
from tests.yearly.conftest import LAST_YEAR, THIS_YEAR, day, seat

pytestmark = pytest.mark.django_db

A = LAST_YEAR


@pytest.fixture
def regional_member(company, regional_group):
    """A representative of LK Precision with their own seat in the regional group, last year."""
    user = MembershipFactory(organisation=company, user__full_name="Sara Styr").user
    seat(regional_group, company, user=user, start=day(A, 1, 1), end=day(A, 12, 31))
    return user


@pytest.fixture
def local_member(municipality, local_group):
    user = UserFactory(full_name="Lars Lokal", role=Role.COMPANY_REP)
    MembershipFactory(organisation=municipality, user=user)
    seat(local_group, municipality, user=user, start=day(A, 3, 1))
    return user


FORMATS = ["", "?format=pdf", "?format=xlsx"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_steering_group_member_reads_the_years_they_sat(client, regional_member, fmt):
    client.force_login(regional_member)

    assert client.get(url("yearly:detail", A) + fmt).status_code == 200
    assert client.get(url("yearly:detail", THIS_YEAR) + fmt).status_code == 403
    assert client.get(url("yearly:detail", A - 1) + fmt).status_code == 403


def test_a_steering_group_members_year_list_has_their_years_only(client, local_member):
    client.force_login(local_member)

    links = [a.text for a in page(client.get(url("yearly:list"))).find("table").find_all("a")]

    assert links == [f"Årsrapport {THIS_YEAR}", f"Årsrapport {A}"]  # seated since March last year


def test_a_regional_member_writes_a_local_member_only_reads(client, regional_member, local_member):
    client.force_login(regional_member)
    written = post(client, url("yearly:assess", A, 3), {"c3-text": "Vi har en företagsledd styrgrupp."})
    assert written.shown == ["Bedömningen har sparats."]
    assert CriterionAssessment.objects.get().written_by == regional_member

    client.force_login(local_member)
    document = page(client.get(url("yearly:detail", A)))
    assert document.find(id="criterion-3").find("div", cls="assessment").text == "Vi har en företagsledd styrgrupp."
    assert "Skriven av Sara Styr" in document.find(id="criterion-3").text
    assert document.find("textarea") is None
    refused = client.post(url("yearly:assess", A, 3), {"c3-text": "Min egen bedömning."})
    assert refused.status_code == 403
    assert CriterionAssessment.objects.count() == 1


def test_only_a_project_lead_freezes(client, regional_member):
    client.force_login(regional_member)

    assert page(client.get(url("yearly:detail", A))).find("form", cls="freeze-form") is None
    assert client.post(url("yearly:freeze", A), {"confirm": "on"}).status_code == 403
    assert not FrozenReport.objects.exists()


def test_a_colleague_of_a_steering_group_member_is_refused(client, company, regional_member, colleague):
    """The seat is the person's, not their company's: a colleague at LK Precision is refused."""
    client.force_login(colleague)

    assert client.get(url("yearly:list")).status_code == 403
    for fmt in FORMATS:
        assert client.get(url("yearly:detail", A) + fmt).status_code == 403
    assert client.post(url("yearly:assess", A, 2), {"c2-text": "x"}).status_code == 403
    assert not CriterionAssessment.objects.exists()


@pytest.mark.parametrize("person", ["student", "teacher", "rep2"])
def test_students_staff_and_representatives_without_a_seat_are_refused(client, request, person, regional_member):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("yearly:list")).status_code == 403
    for fmt in FORMATS:
        assert client.get(url("yearly:detail", A) + fmt).status_code == 403
    assert client.post(url("yearly:freeze", A), {"confirm": "on"}).status_code == 403
    assert client.post(url("yearly:assess", A, 2), {"c2-text": "x"}).status_code == 403
    assert not FrozenReport.objects.exists() and not CriterionAssessment.objects.exists()


def test_an_anonymous_visitor_is_asked_to_sign_in(client):
    for address in (url("yearly:list"), url("yearly:detail", A), url("yearly:detail", A) + "?format=pdf"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    response = client.post(url("yearly:freeze", A), {"confirm": "on"})
    assert response.status_code == 302 and not FrozenReport.objects.exists()
