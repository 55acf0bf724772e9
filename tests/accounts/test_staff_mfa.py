"""With REQUIRE_STAFF_MFA on, a project lead without TOTP opens no page that staff rights
unlock (nor any other portal page): each sends them to set up the second factor. With TOTP set
up they get through; and a lead with TOTP is asked for the code when signing in."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from college_portal.accounts.middleware import ALLOWED_WITHOUT_SECOND_FACTOR
from tests.factories import PASSWORD
from tests.helpers import url
from tests.test_access_coverage import ACCESS, ACTION_DATA, DENY, DONE, GONE, HIDE, OK, target

pytestmark = pytest.mark.django_db

REFUSED = (DENY, HIDE, GONE)
SIGNED_IN_PEOPLE = ("student", "student2", "rep", "colleague", "rep2", "teacher")
# Pages staff rights unlock: the lead gets through where a signed-in person who is not staff
# is refused.
STAFF_UNLOCKED = sorted(
    name
    for name, (_method, _kind, expected) in ACCESS.items()
    if expected["lead"] in (OK, DONE) and any(expected[p] in REFUSED for p in SIGNED_IN_PEOPLE)
)
ADMIN_PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:partners_agreement_changelist",
]


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.REQUIRE_STAFF_MFA = True


def with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def open_page(client, name, world, request):
    method, kind, _expected = ACCESS[name]
    address = url(name, *target(world, kind, request))  # first: it may add to `world`
    data = ACTION_DATA.get(name, lambda w: {})(world) if method == "post" else {}
    return getattr(client, method)(address, data)


def test_the_staff_pages_are_found():
    # The table knows the leads' pages: if it changes shape, this test must not pass on nothing.
    for name in ("staff_document", "report", "activity:list", "programs:matrix"):
        assert name in STAFF_UNLOCKED
    assert "placements:application_detail" in STAFF_UNLOCKED
    assert "partners:edit_profile" in STAFF_UNLOCKED


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_lead_without_totp_is_sent_to_set_it_up_from_every_page(client, world, request, name):
    client.force_login(world["people"]["lead"])

    response = open_page(client, name, world, request)

    assert response.status_code == 302
    assert response["Location"] == url("mfa_activate_totp")


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_lead_without_totp_is_sent_to_set_it_up_from_admin(client, lead, name):
    client.force_login(lead)

    response = client.get(url(name))

    assert response["Location"] == url("mfa_activate_totp")


def test_the_coverage_csv_and_another_companys_draft_need_the_second_factor(client, world, lead):
    client.force_login(lead)
    coverage_csv = url("programs:matrix", world["programme"].slug) + "?format=csv"
    report_csv = url("report") + "?format=csv"
    drafts_page = url("placements:offer_detail", world["draft"].pk)

    for address in (coverage_csv, report_csv, drafts_page):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == url("mfa_activate_totp")
        assert b"Utkast" not in response.content


@pytest.mark.parametrize("name", STAFF_UNLOCKED)
def test_lead_with_totp_gets_through(client, world, request, name):
    lead = world["people"]["lead"]
    with_totp(lead)
    client.force_login(lead)

    response = open_page(client, name, world, request)

    expected = ACCESS[name][2]["lead"]
    if expected == DONE:
        assert response.status_code == 302
        assert response["Location"] != url("mfa_activate_totp")
    else:
        assert response.status_code == 200


def test_lead_with_totp_reaches_admin_and_the_coverage_csv(client, world, lead):
    with_totp(lead)
    client.force_login(lead)

    assert client.get(url("admin:index")).status_code == 200
    response = client.get(url("programs:matrix", world["programme"].slug) + "?format=csv")
    assert response.status_code == 200


def test_setting_up_the_second_factor_stays_open(client, lead):
    client.force_login(lead)

    # TOTP asks for the password again first; both pages open.
    response = client.get(url("mfa_activate_totp"))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith(url("account_reauthenticate"))
        assert client.get(response["Location"]).status_code == 200
    assert client.post(url("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_allow_list_opens_no_portal_page():
    # Only setting up the second factor, signing in and out, the language switch and the
    # health checks: none of the portal's own pages (all of which have a row in ACCESS).
    assert not ALLOWED_WITHOUT_SECOND_FACTOR & set(ACCESS)
    assert not any(name.startswith("admin:") for name in ALLOWED_WITHOUT_SECOND_FACTOR)
    for name in ALLOWED_WITHOUT_SECOND_FACTOR:
        reverse(name)  # each names a URL that exists


def test_people_who_are_not_staff_need_no_second_factor(client, world, request):
    client.force_login(world["people"]["rep"])

    response = open_page(client, "placements:applicants", world, request)

    assert response.status_code == 200


def test_lead_with_totp_is_asked_for_the_code_at_login(client, lead):
    with_totp(lead)

    response = client.post(url("account_login"), {"login": lead.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == url("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(url("report"))["Location"].startswith(url("account_login"))
