"""A student's school is self-declared until a staff member of that school confirms it. Until
then the school's staff see the student only as waiting for confirmation (name, e-mail,
programme) and nothing of their applications; staff confirm or reject; a student who changes
school waits again."""

import pytest
from django.core import mail

from college_portal.accounts.models import Role
from placements.models import StudentProfile
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StudentProfileFactory,
)
from tests.helpers import dashboard_html, post, section, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(student, school, offer):
    """Elsa picked the teacher's school herself and applied for LK Precision's internship."""
    profile = StudentProfileFactory(
        user=student, school=school, programme=ProgrammeFactory(name="Industritekniska")
    )
    application = ApplicationFactory(offer=offer, student=student, status="waitlisted")
    return {"profile": profile, "application": application}


@pytest.fixture
def other_teacher(db):
    """Staff of another school."""
    other_school = OrganisationFactory(name="Huddinge gymnasium", kind="school")
    return MembershipFactory(
        organisation=other_school, user__email="bo@example.org", user__role=Role.SCHOOL_STAFF
    ).user


def confirm(client, profile):
    return post(client, url("placements:confirm_student", profile.pk))


def reject(client, profile):
    return post(client, url("placements:reject_student", profile.pk))


def test_school_staff_do_not_see_applications_of_a_self_declared_student(
    client, teacher, declared
):
    application_url = url("placements:application_detail", declared["application"].pk, lang="en")

    html = dashboard_html(client, teacher)

    assert application_url not in html
    assert client.get(application_url).status_code == 404


def test_a_self_declared_student_waits_and_their_applications_stay_hidden(
    client, teacher, student, declared
):
    html = dashboard_html(client, teacher)

    waiting = section(html, "school-waiting-title")
    assert "Elsa Lindqvist" in waiting and student.email in waiting
    assert "Industritekniska" in waiting
    assert url("placements:confirm_student", declared["profile"].pk, lang="en") in waiting
    application_url = url("placements:application_detail", declared["application"].pk, lang="en")
    assert application_url not in html
    applications = section(html, "school-applications-title")
    assert "Elsa Lindqvist" not in applications
    assert client.get(application_url).status_code == 404


def test_staff_confirm_the_student_and_then_see_their_applications(
    client, teacher, student, declared
):
    client.force_login(teacher)

    response = confirm(client, declared["profile"])

    assert response.status_code == 302
    profile = StudentProfile.objects.get(pk=declared["profile"].pk)
    assert profile.school_confirmed_at is not None
    assert profile.school_confirmed_by == teacher
    html = dashboard_html(client, teacher)
    assert 'id="school-waiting-title"' not in html or "Elsa Lindqvist" not in section(
        html, "school-waiting-title"
    )
    applications = section(html, "school-applications-title")
    application_url = url("placements:application_detail", declared["application"].pk, lang="en")
    assert application_url in applications and "Wait-listed" in applications
    assert client.get(application_url).status_code == 200


def test_staff_reject_the_student_who_is_then_no_longer_linked(client, teacher, declared):
    client.force_login(teacher)

    response = reject(client, declared["profile"])

    assert response.status_code == 302
    assert len(response.shown) == 1
    profile = StudentProfile.objects.get(pk=declared["profile"].pk)
    assert (profile.school, profile.school_confirmed_at) == (None, None)
    assert mail.outbox == []  # the student is not told
    assert "Elsa Lindqvist" not in dashboard_html(client, teacher)


def test_confirming_twice_keeps_the_first_confirmation(client, teacher, declared):
    client.force_login(teacher)
    confirm(client, declared["profile"])
    first = StudentProfile.objects.get(pk=declared["profile"].pk).school_confirmed_at

    response = confirm(client, declared["profile"])

    assert response.status_code == 302
    assert StudentProfile.objects.get(pk=declared["profile"].pk).school_confirmed_at == first


@pytest.mark.parametrize("action", [confirm, reject])
@pytest.mark.parametrize(
    ("person", "status"),
    [("other_teacher", 404), ("rep", 403), ("student", 403), ("student2", 403)],
)
def test_only_staff_of_that_school_confirm_or_reject(
    client, request, declared, school, action, person, status
):
    client.force_login(request.getfixturevalue(person))

    response = action(client, declared["profile"])

    assert response.status_code == status
    profile = StudentProfile.objects.get(pk=declared["profile"].pk)
    assert (profile.school, profile.school_confirmed_at) == (school, None)


def test_anonymous_is_sent_to_sign_in(client, declared):
    response = confirm(client, declared["profile"])

    assert response.status_code == 302
    assert StudentProfile.objects.get(pk=declared["profile"].pk).school_confirmed_at is None


def test_confirming_needs_post(client, teacher, declared):
    client.force_login(teacher)

    response = client.get(url("placements:confirm_student", declared["profile"].pk))

    assert response.status_code == 405
    assert StudentProfile.objects.get(pk=declared["profile"].pk).school_confirmed_at is None


def test_staff_of_another_school_see_nothing_of_the_student(client, other_teacher, declared):
    html = dashboard_html(client, other_teacher)

    assert "Elsa Lindqvist" not in html


def test_changing_school_clears_the_confirmation(client, teacher, student, declared):
    client.force_login(teacher)
    confirm(client, declared["profile"])
    new_school = OrganisationFactory(name="Nya skolan", kind="school")
    client.force_login(student)

    post(
        client,
        url("placements:student_profile"),
        {"school": new_school.pk, "programme": declared["profile"].programme_id},
    )

    profile = StudentProfile.objects.get(pk=declared["profile"].pk)
    assert profile.school == new_school
    assert (profile.school_confirmed_at, profile.school_confirmed_by) == (None, None)


def test_saving_the_profile_without_changing_school_keeps_the_confirmation(
    client, teacher, student, school, declared
):
    client.force_login(teacher)
    confirm(client, declared["profile"])
    client.force_login(student)

    post(
        client,
        url("placements:student_profile"),
        {"school": school.pk, "municipality": "Södertälje", "digest": "on"},
    )

    profile = StudentProfile.objects.get(pk=declared["profile"].pk)
    assert profile.municipality == "Södertälje"
    assert profile.school_confirmed_by == teacher


def test_school_dashboard_runs_a_fixed_number_of_queries(
    client, teacher, school, offer, django_assert_max_num_queries
):
    def add_students(n, start):
        for i in range(start, start + n):
            waiting = StudentProfileFactory(user__full_name=f"Väntande {i}", school=school)
            confirmed = StudentProfileFactory(user__full_name=f"Bekräftad {i}", school=school)
            StudentProfile.objects.filter(pk=confirmed.pk).update(
                school_confirmed_at="2026-01-10T10:00:00Z", school_confirmed_by=teacher
            )
            ApplicationFactory(offer=offer, student=waiting.user)
            ApplicationFactory(offer=offer, student=confirmed.user)

    client.force_login(teacher)
    add_students(2, 0)
    client.get(url("dashboard"))  # warm up (sessions, translations)
    with django_assert_max_num_queries(30) as few:
        client.get(url("dashboard"))
    add_students(20, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("dashboard", lang="en"))
    assert "Väntande 21" in response.content.decode()


def test_the_student_sees_that_the_school_has_not_confirmed_yet(client, teacher, student, declared):
    client.force_login(student)
    notice = "Täljegymnasiet has not yet confirmed that you study there."

    assert notice in client.get(url("placements:student_profile", lang="en")).content.decode()

    client.force_login(teacher)
    confirm(client, declared["profile"])
    client.force_login(student)
    assert notice not in client.get(url("placements:student_profile", lang="en")).content.decode()


def test_a_lead_changing_the_school_in_admin_clears_the_confirmation(
    admin_client, teacher, client, declared
):
    client.force_login(teacher)
    confirm(client, declared["profile"])
    profile = declared["profile"]
    new_school = OrganisationFactory(name="Nya skolan", kind="school")

    admin_client.post(
        f"/sv/admin/placements/studentprofile/{profile.pk}/change/",
        {
            "user": profile.user_id,
            "school": new_school.pk,
            "programme": profile.programme_id or "",
            "municipality": profile.municipality,
            "interest_kind": profile.interest_kind,
        },
    )

    profile.refresh_from_db()
    assert profile.school == new_school
    assert profile.school_confirmed_at is None
