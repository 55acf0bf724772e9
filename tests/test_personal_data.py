"""A person's own data: the export holds what the portal keeps about them; deleting the
account removes everything that identifies them and keeps the statistics whole."""

import json

import pytest
from django.urls import reverse

from college_portal.accounts.models import User
from partners.models import Membership
from placements.models import Application, ApplicationStatus, StatusChange, StudentProfile
from tests.factories import PASSWORD, ApplicationFactory, OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(student, company, school):
    StudentProfile.objects.create(user=student, school=school, municipality="Södertälje")
    offer = OfferFactory(organisation=company, title="Praktik i fräsavdelningen")
    application = ApplicationFactory(
        offer=offer,
        student=student,
        motivation="Jag vill lära mig femaxlig fräsning hos er.",
        status=ApplicationStatus.ACCEPTED,
    )
    StatusChange.objects.create(
        application=application,
        action="application.accepted",
        to_status="accepted",
        message="Välkommen!",
    )
    return application


def test_student_downloads_everything_the_portal_keeps_about_them(client, student, applied):
    client.force_login(student)
    response = client.get(reverse("my_data") + "?format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["email"] == student.email
    assert data["placements"]["profile"]["school"] == "Täljegymnasiet"
    assert data["placements"]["profile"]["school_confirmed_at"] is None  # not confirmed yet
    (application,) = data["placements"]["applications"]
    assert application["offer"] == "Praktik i fräsavdelningen"
    assert application["motivation"] == "Jag vill lära mig femaxlig fräsning hos er."
    assert [h["to"] for h in application["history"]] == ["accepted"]


def test_export_holds_only_ones_own_data(client, student, student2, applied):
    client.force_login(student2)
    data = json.loads(client.get(reverse("my_data") + "?format=json").content)
    assert data["account"]["email"] == student2.email
    assert data["placements"]["applications"] == []


def test_deleting_the_account_anonymises_and_keeps_statistics(client, student, applied):
    client.force_login(student)
    response = client.post(reverse("my_data"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    user = User.objects.get(pk=student.pk)
    assert not user.is_active
    assert "elsa" not in user.email and user.full_name == ""
    assert not user.has_usable_password()
    application = Application.objects.get(pk=applied.pk)
    # The place was still ahead: it is freed for the next student (a place whose period has
    # begun stays, anonymous, as a filled place: tests/placements/test_integrity.py).
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.motivation == ""
    assert [c.message for c in StatusChange.objects.filter(application=application)] == ["", ""]
    assert not StudentProfile.objects.filter(user=user).exists()
    assert not client.login(email="elsa@example.org", password=PASSWORD)


def test_wrong_password_deletes_nothing(client, student, applied):
    client.force_login(student)
    response = client.post(reverse("my_data"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=student.pk).is_active
    assert Application.objects.get(pk=applied.pk).motivation


def test_representative_deleting_their_account_leaves_the_organisation(client, rep, company):
    client.force_login(rep)
    client.post(reverse("my_data"), {"password": PASSWORD, "confirm": "on"})
    assert not Membership.objects.filter(organisation=company, user__pk=rep.pk).exists()


def test_project_lead_cannot_delete_themselves_here(client, lead):
    client.force_login(lead)
    response = client.post(reverse("my_data"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=lead.pk).is_active


def test_my_data_requires_sign_in(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
