"""Roles: who sees which dashboard, who may open which page, and that nobody signs up as staff."""

from urllib.parse import urlsplit

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import path
from django.utils import translation

from college_portal.accounts.access import role_required, visible_object_or_404
from college_portal.accounts.forms import StudentSignupForm
from college_portal.accounts.models import Role, User
from college_portal.urls import urlpatterns as portal_urlpatterns
from partners.models import Organisation
from tests.factories import PASSWORD, OrganisationFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


# Two pages guarded the way the apps guard theirs, mounted beside the portal's own URLs
# (tests below that use them are marked `urls(__name__)`).
@role_required(Role.COMPANY_REP)
def company_page(request):
    return HttpResponse("company page")


@role_required(Role.COMPANY_REP, Role.SCHOOL_STAFF, staff=True)
def offers_page(request):
    return HttpResponse("offers page")


def organisation_page(request, slug):
    organisation = visible_object_or_404(Organisation.objects.all(), request.user, slug=slug)
    return HttpResponse(organisation.name)


urlpatterns = [
    *i18n_patterns(
        path("role-test/company/", company_page),
        path("role-test/offers/", offers_page),
        path("role-test/organisation/<slug:slug>/", organisation_page),
    ),
    *portal_urlpatterns,
]


# --- Dashboard ------------------------------------------------------------------------------


def test_dashboard_requires_login(client):
    dashboard = url("dashboard")

    response = client.get(dashboard)

    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == url("account_login")
    assert f"next={dashboard}" in target.query


def test_student_sees_own_profile_on_dashboard(client, student, company):
    client.force_login(student)

    page = client.get(url("dashboard")).content.decode()

    assert "Elsa Lindqvist" in page
    assert "elsa@example.org" in page
    assert f'href="{url("profile")}"' in page
    with translation.override("sv"):
        assert str(Role.STUDENT.label) in page
    # No organisation panel and no administration for a student.
    assert "LK Precision AB" not in page
    assert f'href="{url("admin:index")}"' not in page


def test_representative_sees_own_organisation(client, rep, company, company2):
    client.force_login(rep)

    page = client.get(url("dashboard")).content.decode()

    assert "Karin Berg" in page
    assert "LK Precision AB" in page
    assert f'href="{url("partners:detail", company.slug)}"' in page
    assert "Huddinge Fräs AB" not in page
    assert f'href="{url("admin:index")}"' not in page


def test_project_lead_sees_the_administration_link(client, lead):
    client.force_login(lead)

    response = client.get(url("dashboard"))

    assert f'href="{url("admin:index")}"' in response.content.decode()
    assert client.get(url("admin:index")).status_code == 200


def test_student_cannot_open_the_administration(client, student):
    client.force_login(student)

    # The admin sends a non-staff user to its login, which allauth's guard refuses.
    response = client.get(url("admin:index"), follow=True)

    assert response.status_code == 403


# --- role_required and visible_object_or_404 -------------------------------------------------


@pytest.mark.urls(__name__)
def test_role_required_lets_the_role_in(client, rep):
    client.force_login(rep)

    response = client.get("/sv/role-test/company/")

    assert response.status_code == 200
    assert response.content == b"company page"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("who", ["student", "teacher", "lead"])
def test_role_required_denies_other_roles(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get("/sv/role-test/company/")

    assert response.status_code == 403
    assert b"company page" not in response.content


@pytest.mark.urls(__name__)
def test_role_required_accepts_any_listed_role_or_staff(client, teacher, lead, student):
    for user in (teacher, lead):
        client.force_login(user)
        assert client.get("/sv/role-test/offers/").status_code == 200
    client.force_login(student)
    assert client.get("/sv/role-test/offers/").status_code == 403


@pytest.mark.urls(__name__)
def test_role_required_sends_visitors_to_login(client):
    response = client.get("/sv/role-test/company/")

    assert response.status_code == 302
    assert urlsplit(response.url).path == url("account_login")


def test_role_required_raises_permission_denied(student):
    request = RequestFactory().get("/sv/role-test/company/")
    request.user = student

    with pytest.raises(PermissionDenied):
        company_page(request)


@pytest.mark.urls(__name__)
def test_hidden_object_answers_404_like_a_missing_one(client, student, lead):
    hidden = OrganisationFactory(name="Vilande Verkstad AB", active=False)
    client.force_login(student)

    assert client.get(f"/sv/role-test/organisation/{hidden.slug}/").status_code == 404
    assert client.get("/sv/role-test/organisation/finns-inte/").status_code == 404

    client.force_login(lead)
    response = client.get(f"/sv/role-test/organisation/{hidden.slug}/")
    assert response.status_code == 200
    assert response.content.decode() == "Vilande Verkstad AB"


def test_visible_object_or_404_raises_http404(student, company):
    hidden = OrganisationFactory(active=False)

    assert visible_object_or_404(Organisation.objects.all(), student, slug=company.slug) == company
    with pytest.raises(Http404):
        visible_object_or_404(Organisation.objects.all(), student, slug=hidden.slug)


# --- Signup gives students only ---------------------------------------------------------------


def test_signup_form_has_no_role_field(client):
    assert "role" not in StudentSignupForm().fields

    page = client.get(url("account_signup")).content.decode()
    assert 'name="full_name"' in page
    assert 'name="role"' not in page


def test_posted_role_is_ignored_at_signup(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("account_signup"),
            {
                "full_name": "Mallory Mask",
                "email": "mallory@example.org",
                "password1": "Svarv-och-fras-2026",
                "password2": "Svarv-och-fras-2026",
                "role": Role.COMPANY_REP,
                "is_staff": "on",
            },
        )

    assert response.status_code == 302
    user = User.objects.get(email="mallory@example.org")
    assert user.role == Role.STUDENT
    assert not user.is_staff
    assert not user.memberships.exists()


# --- Profile --------------------------------------------------------------------------------


def test_profile_edits_name(client, student):
    client.force_login(student)

    response = client.post(url("profile"), {"full_name": "Elsa Lind", "language": "sv"})

    assert response.status_code == 302
    assert response.url == url("dashboard")
    student.refresh_from_db()
    assert student.full_name == "Elsa Lind"
    assert "Elsa Lind" in client.get(response.url).content.decode()


def test_profile_language_change_redirects_to_dashboard_in_new_language(client, student):
    client.force_login(student)

    response = client.post(url("profile"), {"full_name": "Elsa Lindqvist", "language": "en"})

    assert response.status_code == 302
    assert response.url == url("dashboard", lang="en")
    assert response.url.startswith("/en/")
    student.refresh_from_db()
    assert student.language == "en"
    page = client.get(response.url)
    assert '<html lang="en">' in page.content.decode()


def test_profile_rejects_unknown_language(client, student):
    client.force_login(student)

    response = client.post(url("profile"), {"full_name": "Elsa", "language": "de"})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    student.refresh_from_db()
    assert student.language == "sv"


def test_profile_cannot_change_role(client, student):
    client.force_login(student)

    client.post(
        url("profile"),
        {"full_name": "Elsa", "language": "sv", "role": Role.PROJECT_LEAD, "is_staff": "on"},
    )

    student.refresh_from_db()
    assert student.role == Role.STUDENT
    assert not student.is_staff


def test_profile_requires_login(client):
    response = client.get(url("profile"))

    assert response.status_code == 302
    assert urlsplit(response.url).path == url("account_login")


def test_language_chosen_in_profile_is_used_for_the_site_root(client, student):
    # Signing in remembers the user's language (Swedish) in a cookie for unprefixed URLs.
    client.post(url("account_login"), {"login": student.email, "password": PASSWORD})
    assert client.get("/").url == "/sv/"

    client.post(url("profile"), {"full_name": "Elsa Lindqvist", "language": "en"})

    assert client.get("/").url == "/en/"
