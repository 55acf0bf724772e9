"""Class invitations: school staff invite a class's students by e-mail; the invited student
who accepts is linked to the school, confirmed at once, so the school's staff see their
applications. Each address is mailed once; a link works once, for the invited student only,
for 14 days; nobody but staff of that school invites."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import ngettext

from college_portal.accounts.models import Role, User
from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from partners.models import hash_token
from placements import personal_data
from placements.class_invitations import (
    ClassInvitationError,
    accept_class_invitation,
    invite_class,
)
from placements.models import ClassInvitation, StudentProfile
from tests.conftest import require
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    StudentProfileFactory,
)
from tests.helpers import (
    all_at_once,
    dashboard_html,
    database_state,
    link_path,
    post,
    section,
    sv,
    url,
)

pytestmark = pytest.mark.django_db

TOKEN = "klass-token"


def invite_data(addresses, class_name="TE22A", language="sv", **extra):
    return {"class_name": class_name, "addresses": addresses, "language": language, **extra}


def make_class_invitation(school, email, *, token=TOKEN, invited_by=None, expires_in_days=14):
    """An invitation whose link token the test knows (the database keeps only its hash)."""
    return ClassInvitation.objects.create(
        school=school,
        class_name="TE22A",
        email=email,
        invited_by=invited_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )


def link(token=TOKEN, lang="sv"):
    return url("placements:class_invitation", token=token, lang=lang)


@pytest.fixture
def other_teacher(db):
    """Staff of another school."""
    other_school = OrganisationFactory(name="Huddinge gymnasium", kind="school")
    return MembershipFactory(
        organisation=other_school, user__email="bo@example.org", user__role=Role.SCHOOL_STAFF
    ).user


@pytest.fixture
def invited(school, teacher, student):
    """The teacher's school has invited Elsa (the `student`) to class TE22A."""
    return make_class_invitation(school, student.email, invited_by=teacher)


@pytest.fixture
def applied(student, offer):
    """Elsa has applied for LK Precision's internship."""
    return ApplicationFactory(offer=offer, student=student)


# --- Inviting ---------------------------------------------------------------------------------


def test_staff_invite_three_addresses_and_each_gets_one_email(
    client, teacher, school, mailoutbox, commit
):
    client.force_login(teacher)
    with commit():
        response = post(
            client, url("placements:invite_class"), invite_data("a@x.se; B@x.se\nc@x.se")
        )

    assert response.status_code == 302 and response["Location"] == url("dashboard")
    assert sorted(m.to[0] for m in mailoutbox) == ["a@x.se", "b@x.se", "c@x.se"]
    with translation.override("sv"):
        sent = ngettext(
            "%(count)d invitation sent to class %(class_name)s.",
            "%(count)d invitations sent to class %(class_name)s.",
            3,
        )
    assert response.shown == [sent % {"count": 3, "class_name": "TE22A"}]
    assert "TE22A" in sent or "%(class_name)s" in sent
    for message in mailoutbox:
        assert "Täljegymnasiet" in message.subject and "TE22A" in message.subject
        assert link_path(message).startswith("/sv/klassinbjudan/")
        assert "&amp;" not in message.body
    invitations = ClassInvitation.objects.filter(school=school)
    assert sorted(invitations.values_list("email", flat=True)) == ["a@x.se", "b@x.se", "c@x.se"]
    assert {i.invited_by for i in invitations} == {teacher}
    assert {i.expires_at.date() for i in invitations} == {
        (timezone.now() + timedelta(days=14)).date()
    }


def test_inviting_again_mails_nobody_twice(client, teacher, school, mailoutbox, commit):
    client.force_login(teacher)
    with commit():
        post(client, url("placements:invite_class"), invite_data("a@x.se, b@x.se, c@x.se"))
    mailoutbox.clear()

    with commit():
        response = post(
            client, url("placements:invite_class"), invite_data("A@x.se, b@x.se, c@x.se")
        )

    assert mailoutbox == []
    assert ClassInvitation.objects.count() == 3
    assert len(response.shown) == 3
    assert all("a@x.se" in m.lower() or "b@x.se" in m or "c@x.se" in m for m in response.shown)


def test_invalid_addresses_are_reported_and_the_others_invited(client, teacher, mailoutbox, commit):
    client.force_login(teacher)
    with commit():
        response = post(
            client, url("placements:invite_class"), invite_data("a@x.se, inte-en-adress, b@x.se")
        )

    assert sorted(m.to[0] for m in mailoutbox) == ["a@x.se", "b@x.se"]
    # Back to the form with the class kept, to correct the address left out.
    assert response["Location"] == url("placements:invite_class") + "?class=TE22A"
    assert any("inte-en-adress" in m for m in response.shown)
    page = client.get(response["Location"]).content.decode()
    assert 'value="TE22A"' in page


def test_the_invitation_is_in_the_chosen_language(client, teacher, mailoutbox, commit):
    client.force_login(teacher)
    with commit():
        post(client, url("placements:invite_class"), invite_data("en@x.se", language="en"))

    (message,) = mailoutbox
    assert message.subject == "Täljegymnasiet invites you to class TE22A in Teknikcollege Stockholm"
    assert link_path(message).startswith("/en/class-invitation/")
    assert ClassInvitation.objects.get().language == "en"


def test_an_expired_invitation_makes_way_for_a_new_one(
    client, teacher, school, student, mailoutbox, commit
):
    make_class_invitation(school, student.email, expires_in_days=-1)
    client.force_login(teacher)

    with commit():
        post(client, url("placements:invite_class"), invite_data(student.email))

    (message,) = mailoutbox
    (invitation,) = ClassInvitation.objects.all()
    assert invitation.expires_at > timezone.now()
    assert link_path(message) != link()  # a new link; the old one answers "not valid"
    assert client.get(link()).status_code == 404


def test_a_confirmed_student_of_the_school_is_not_invited(
    client, teacher, school, student, mailoutbox, commit
):
    StudentProfileFactory(user=student, school=school, school_confirmed_at=timezone.now())
    client.force_login(teacher)

    with commit():
        response = post(client, url("placements:invite_class"), invite_data(student.email))

    assert mailoutbox == [] and not ClassInvitation.objects.exists()
    assert len(response.shown) == 1 and student.email in response.shown[0]


def test_sending_is_in_the_school_activity_log(teacher, school):
    (invitation,), _skipped = invite_class(
        user=teacher, school=school, class_name=" TE22A ", emails=["a@x.se"], language="sv"
    )

    entry = ActivityEntry.objects.get(action=actions.CLASS_INVITATION_SENT)
    assert entry.organisation_id == school.pk and entry.actor == teacher
    assert "a@x.se" not in entry.object_repr and entry.data == {"class_name": "TE22A"}
    assert invitation.class_name == "TE22A"


def test_the_dashboard_leads_to_the_invite_page(client, teacher):
    html = dashboard_html(client, teacher)

    assert url("placements:invite_class", lang="en") in section(html, "school-classes-title")


def test_a_staff_member_of_two_schools_chooses_the_school(client, teacher, school, mailoutbox):
    second = OrganisationFactory(name="Södertälje tekniska", kind="school")
    MembershipFactory(organisation=second, user=teacher)
    client.force_login(teacher)

    response = post(client, url("placements:invite_class"), invite_data("a@x.se", school=second.pk))

    assert response.status_code == 302
    assert ClassInvitation.objects.get().school == second


# --- Who may invite -----------------------------------------------------------------------------


@pytest.mark.parametrize(("person", "status"), [("rep", 403), ("student", 403), ("lead", 403)])
def test_only_school_staff_open_or_post_the_invite_page(
    client, request, school, mailoutbox, commit, person, status
):
    client.force_login(request.getfixturevalue(person))
    before = database_state()

    opened = client.get(url("placements:invite_class"))
    with commit():
        posted = client.post(
            url("placements:invite_class"), invite_data("a@x.se", school=school.pk)
        )

    assert opened.status_code == posted.status_code == status
    assert database_state() == before and mailoutbox == []


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(url("placements:invite_class"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_staff_of_another_school_invite_only_to_their_own(
    client, other_teacher, school, mailoutbox, commit
):
    client.force_login(other_teacher)
    with commit():
        post(client, url("placements:invite_class"), invite_data("a@x.se", school=school.pk))

    assert not ClassInvitation.objects.filter(school=school).exists()
    assert ClassInvitation.objects.get().school.name == "Huddinge gymnasium"
    with pytest.raises(PermissionDenied):
        invite_class(
            user=other_teacher, school=school, class_name="TE22A", emails=["b@x.se"], language="sv"
        )
    assert not ClassInvitation.objects.filter(school=school).exists()


def test_a_school_the_staff_member_does_not_work_at_is_not_a_choice(
    client, teacher, other_teacher, mailoutbox, commit
):
    MembershipFactory(
        organisation=OrganisationFactory(name="Tredje skolan", kind="school"), user=teacher
    )
    foreign = other_teacher.memberships.get().organisation
    client.force_login(teacher)

    with commit():
        response = client.post(
            url("placements:invite_class"), invite_data("a@x.se", school=foreign.pk)
        )

    assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not ClassInvitation.objects.exists() and mailoutbox == []


def test_staff_of_an_inactive_school_cannot_invite(client, teacher, school):
    school.active = False
    school.save()
    client.force_login(teacher)

    assert client.get(url("placements:invite_class")).status_code == 403
    with pytest.raises(PermissionDenied):
        invite_class(user=teacher, school=school, class_name="A", emails=["a@x.se"], language="sv")


def test_the_invite_page_runs_a_fixed_number_of_queries(
    client, teacher, school, django_assert_max_num_queries
):
    def add_invitations(n, start):
        for i in range(start, start + n):
            invitation = make_class_invitation(school, f"elev{i}@x.se", token=f"t{i}")
            if i % 2:
                ClassInvitation.objects.filter(pk=invitation.pk).update(
                    accepted_at=timezone.now(), accepted_by=teacher
                )

    client.force_login(teacher)
    add_invitations(51, 0)  # more than the page shows: the rest are counted
    client.get(url("placements:invite_class"))  # warm up (sessions, translations)
    with django_assert_max_num_queries(15) as few:
        client.get(url("placements:invite_class"))
    add_invitations(70, 51)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("placements:invite_class", lang="en"))
    html = response.content.decode()
    assert "elev120@x.se" in html and "elev0@x.se" not in html  # the newest 50
    assert "Showing the newest 50 of 121 invitations." in html


# --- Accepting ----------------------------------------------------------------------------------


def test_the_invited_student_accepts_and_the_school_sees_their_applications(
    client, teacher, school, student, applied, invited
):
    application_url = url("placements:application_detail", applied.pk, lang="en")
    assert application_url not in dashboard_html(client, teacher)
    client.force_login(student)

    page = client.get(link())
    response = post(client, link())

    assert page.status_code == 200 and "TE22A" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == url("dashboard")
    assert len(response.shown) == 1 and "TE22A" in response.shown[0]
    profile = StudentProfile.objects.get(user=student)
    assert profile.school == school
    assert profile.school_confirmed_at is not None and profile.school_confirmed_by == teacher
    invitation = ClassInvitation.objects.get(pk=invited.pk)
    assert invitation.accepted_by == student and invitation.accepted_at is not None
    applications = section(dashboard_html(client, teacher), "school-applications-title")
    assert application_url in applications
    assert client.get(application_url).status_code == 200
    assert ActivityEntry.objects.filter(
        action=actions.CLASS_INVITATION_ACCEPTED, organisation_id=school.pk
    ).exists()


def test_a_self_declared_student_of_the_school_is_confirmed_by_accepting(
    client, teacher, school, student, applied, invited
):
    StudentProfileFactory(user=student, school=school)
    assert "Elsa Lindqvist" in section(dashboard_html(client, teacher), "school-waiting-title")
    assert "Elsa Lindqvist" not in section(
        dashboard_html(client, teacher), "school-applications-title"
    )
    client.force_login(student)

    post(client, link())

    profile = StudentProfile.objects.get(user=student)
    assert (profile.school, profile.school_confirmed_by) == (school, teacher)
    assert "Elsa Lindqvist" in section(dashboard_html(client, teacher), "school-applications-title")


def test_accepting_moves_a_student_confirmed_elsewhere_and_confirms_the_new_school(
    client, other_teacher, school, teacher, student, invited
):
    elsewhere = other_teacher.memberships.get().organisation
    StudentProfileFactory(
        user=student,
        school=elsewhere,
        school_confirmed_at=timezone.now() - timedelta(days=100),
        school_confirmed_by=other_teacher,
    )
    client.force_login(student)

    page = client.get(link(lang="en")).content.decode()
    post(client, link())

    assert "Joining replaces it with Täljegymnasiet" in page
    profile = StudentProfile.objects.get(user=student)
    assert profile.school == school
    assert profile.school_confirmed_by == teacher
    assert profile.school_confirmed_at > timezone.now() - timedelta(minutes=1)


def test_someone_else_signed_in_is_refused_and_nothing_changes(client, student2, invited):
    client.force_login(student2)
    before = database_state()

    opened = client.get(link(lang="en"))
    posted = client.post(link(lang="en"))

    assert opened.status_code == posted.status_code == 410
    html = opened.content.decode()
    assert "sent to another e-mail address" in html
    assert "Sign out and open the invitation again" in html  # another account would help
    assert database_state() == before
    signed_out = client.post(url("account_logout"), {"next": link()})
    assert signed_out["Location"] == link()
    assert client.get(link()).status_code == 200  # now asked to sign in with the address
    with pytest.raises(ClassInvitationError):
        accept_class_invitation(user=student2, token=TOKEN)
    assert ClassInvitation.objects.get(pk=invited.pk).accepted_at is None


def test_a_staff_account_with_the_invited_address_cannot_join(client, school, teacher):
    make_class_invitation(school, teacher.email, invited_by=teacher)
    client.force_login(teacher)
    before = database_state()

    response = client.post(link(lang="en"))

    assert response.status_code == 410
    assert "Only a student account can join a class." in response.content.decode()
    assert database_state() == before


def test_an_expired_link_is_refused(client, school, student):
    make_class_invitation(school, student.email, expires_in_days=-1)
    client.force_login(student)
    before = database_state()

    opened = client.get(link(lang="en"))
    posted = client.post(link(lang="en"))

    assert opened.status_code == posted.status_code == 410
    html = opened.content.decode()
    assert "This invitation has expired. Ask your teacher for a new one." in html
    assert "Sign out" not in html.split("<main", 1)[1]  # another account would not help
    assert database_state() == before


def test_a_used_link_is_refused(client, student, invited):
    client.force_login(student)
    post(client, link())
    before = database_state()

    again = client.post(link(lang="en"))

    assert again.status_code == 410
    assert "This invitation has already been used." in again.content.decode()
    assert client.get(link()).status_code == 410
    assert database_state() == before


@pytest.mark.parametrize("token", ["altered-token", "x" * 101])
def test_a_tampered_link_gives_a_page_that_explains(client, student, invited, token):
    client.force_login(student)

    response = client.get(link(token=token, lang="en"))

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_a_link_of_an_inactive_school_is_refused(client, school, student, invited):
    school.active = False
    school.save()
    client.force_login(student)

    response = client.post(link(lang="en"))

    assert response.status_code == 410
    assert StudentProfile.objects.filter(user=student, school=school).exists() is False


def test_accepting_twice_in_the_service_is_refused(student, invited):
    accept_class_invitation(user=student, token=TOKEN)

    with pytest.raises(ClassInvitationError):
        accept_class_invitation(user=student, token=TOKEN)


# --- A visitor holding the link -----------------------------------------------------------------


def test_a_visitor_signs_in_and_comes_back_to_join(client, school, student, invited):
    page = client.get(link(lang="en"))

    html = page.content.decode()
    assert page.status_code == 200 and student.email in html
    assert f"{url('account_login', lang='en')}?next={link(lang='en').replace('/', '%2F')}" in html
    response = client.post(
        f"{url('account_login')}?next={link()}",
        {"login": student.email, "password": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == link()
    post(client, link())
    assert StudentProfile.objects.get(user=student).school_confirmed_at is not None


CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/\S+/confirm-email/[^/\s]+/)")


def test_a_new_student_signs_up_confirms_and_comes_back_to_join(
    client, school, teacher, mailoutbox, commit
):
    make_class_invitation(school, "ny.elev@example.org", invited_by=teacher)
    html = client.get(link()).content.decode()
    assert f"{url('account_signup')}?next=" in html

    with commit():
        client.post(
            f"{url('account_signup')}?next={link()}",
            {
                "full_name": "Ny Elev",
                "email": "Ny.Elev@example.org",
                "password1": "Svarv-och-fras-2026",
                "password2": "Svarv-och-fras-2026",
            },
        )
    (message,) = mailoutbox
    confirm = CONFIRM_LINK.search(message.body).group(1)
    response = client.post(confirm)

    assert response.status_code == 302 and response["Location"] == link()
    joined = post(client, link())
    assert joined.status_code == 302
    profile = StudentProfile.objects.get(user__email="ny.elev@example.org")
    assert (profile.school, profile.school_confirmed_by) == (school, teacher)


# --- Personal data ------------------------------------------------------------------------------


def test_deleting_the_account_removes_open_invitations_to_it(school, student, student2):
    make_class_invitation(school, student.email)
    accepted = make_class_invitation(school, student2.email, token="other")
    accept_class_invitation(user=student2, token="other")

    for person in (student, student2):
        personal_data.erase(User.objects.get(pk=person.pk))

    assert not ClassInvitation.objects.filter(accepted_at__isnull=True).exists()
    assert ClassInvitation.objects.get(pk=accepted.pk).email == "deleted@invalid.example"


def test_swedish_pages_say_it_in_swedish(client, teacher, student, invited):
    client.force_login(teacher)
    invite_page = client.get(url("placements:invite_class")).content.decode()
    client.force_login(student)
    join_page = client.get(link()).content.decode()

    with translation.override("sv"):
        assert sv("Invite a class") in invite_page and "Invite a class" not in invite_page
        assert "Join class TE22A" not in join_page and "Gå med i klass TE22A" in join_page


# --- At the same moment (PostgreSQL) ------------------------------------------------------------


@pytest.fixture
def postgres_only():
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL row locks")


@pytest.mark.django_db(transaction=True)
def test_staff_inviting_one_address_at_once_send_one_invitation(postgres_only, school):
    teachers = [
        MembershipFactory(
            organisation=school, user__email=f"larare{i}@example.org", user__role="school_staff"
        ).user
        for i in range(8)
    ]

    results = all_at_once(
        lambda t: invite_class(
            user=t, school=school, class_name="TE22A", emails=["a@x.se"], language="sv"
        ),
        teachers,
    )

    assert all(kind == "ok" for kind, _value in results), results
    assert sorted(len(invited) for _kind, (invited, _skipped) in results) == [0] * 7 + [1]
    assert ClassInvitation.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["a@x.se"]]


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_accept_once(postgres_only, school, teacher, student):
    make_class_invitation(school, student.email, invited_by=teacher)

    results = all_at_once(
        lambda _n: accept_class_invitation(user=student, token=TOKEN),
        [1, 2],
        refused=(ClassInvitationError,),
    )

    assert sorted(kind for kind, _value in results) == ["ok", "refused"], results
    profile = StudentProfile.objects.get(user=student)
    assert (profile.school, profile.school_confirmed_by) == (school, teacher)
    assert ActivityEntry.objects.filter(action=actions.CLASS_INVITATION_ACCEPTED).count() == 1
