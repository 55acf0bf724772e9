"""Competence requirements: kravställare propose them, edit them while proposed, project leads
accept or reject them (with a reason) in the admin, and the proposer hears of it once, in their
own language. Other organisations see nothing that is not accepted."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.utils import translation

from programs.models import CompetenceRequirement
from programs.services import decide_requirement
from tests.factories import (
    MembershipFactory,
    ProgrammeFactory,
    RequirementFactory,
    RequirementSetterFactory,
)
from tests.helpers import page, url

pytestmark = pytest.mark.django_db

Status = CompetenceRequirement.Status


@pytest.fixture
def programmes(db):
    return [
        ProgrammeFactory(name="Industritekniska programmet"),
        ProgrammeFactory(name="CNC-operatör (yrkesvux)"),
        ProgrammeFactory(name="Utkastet", published=False),
    ]


@pytest.fixture
def proposed(company, rep, programmes):
    return RequirementFactory(
        organisation=company,
        title="Läser ritningar enligt ISO GPS",
        description="Toleranser och ytkrav.",
        status=Status.PROPOSED,
        proposed_by=rep,
        programmes=programmes[:1],
    )


@pytest.fixture
def other_setter(db):
    """Another kravställare with a representative and a proposal of its own."""
    organisation = RequirementSetterFactory(name="Scania CV AB")
    member = MembershipFactory(organisation=organisation, user__email="lars@example.org").user
    requirement = RequirementFactory(
        organisation=organisation,
        title="Kan växelskära kugghjul",
        status=Status.PROPOSED,
        proposed_by=member,
    )
    return organisation, member, requirement


def snapshot(requirement):
    requirement.refresh_from_db()
    return (
        requirement.title,
        requirement.description,
        requirement.importance,
        requirement.status,
        requirement.rejection_reason,
        sorted(requirement.programmes.values_list("pk", flat=True)),
    )


def edit_data(**overrides):
    return {"title": "Ändrad titel", "description": "Ändrad.", "importance": "1", **overrides}


# Proposing -------------------------------------------------------------------------------------


def test_a_kravstallare_representative_proposes_a_requirement(client, rep, company, programmes):
    client.force_login(rep)
    new = url("programs:requirement_new")
    form = page(client.get(new))
    assert form.find("form", cls="form") is not None
    # Only published programmes can be chosen; the organisation is the rep's own.
    choices = {i.attrs["value"] for i in form.find_all("input", name="programmes")}
    assert choices == {str(p.pk) for p in programmes[:2]}
    assert [
        o.attrs["value"] for o in form.find("select", name="organisation").find_all("option")
    ] == [str(company.pk)]

    response = client.post(
        new,
        {
            "organisation": company.pk,
            "title": "Ställer upp och kör en femaxlig CNC-fräs",
            "description": "Nollpunkter och verktygsmätning.",
            "importance": "3",
            "programmes": [programmes[0].pk, programmes[1].pk],
        },
    )
    requirement = CompetenceRequirement.objects.get()
    assert response.status_code == 302
    assert response.url == url("programs:requirement_edit", requirement.pk)
    assert requirement.status == Status.PROPOSED
    assert requirement.organisation == company
    assert requirement.proposed_by == rep
    assert requirement.importance == 3
    assert set(requirement.programmes.all()) == set(programmes[:2])
    # The proposer lands on it and can still edit it.
    landing = page(client.get(response.url))
    assert landing.find("h1").text == "Ställer upp och kör en femaxlig CNC-fräs"
    assert landing.find("form", cls="form") is not None


def test_a_requirement_cannot_be_proposed_in_another_organisations_name(
    client, rep, other_setter, programmes
):
    organisation, _, _ = other_setter
    client.force_login(rep)
    response = client.post(
        url("programs:requirement_new"),
        {"organisation": organisation.pk, "title": "Falskt", "importance": "2"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not CompetenceRequirement.objects.filter(title="Falskt").exists()


def test_a_representative_without_the_kravstallare_role_cannot_propose(
    client, rep2, company2, programmes
):
    client.force_login(rep2)
    new = url("programs:requirement_new")
    assert client.get(new).status_code == 403
    response = client.post(
        new,
        {
            "organisation": company2.pk,
            "title": "Obehörigt",
            "importance": "2",
            "programmes": [programmes[0].pk],
        },
    )
    assert response.status_code == 403
    assert not CompetenceRequirement.objects.exists()


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_students_and_teachers_cannot_propose(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("programs:requirement_new")).status_code == 403


def test_visitors_are_asked_to_sign_in_before_proposing(client, db):
    response = client.get(url("programs:requirement_new"))
    assert response.status_code == 302
    assert response.url.startswith(url("account_login"))


# Editing ---------------------------------------------------------------------------------------


def test_a_colleague_edits_the_organisations_proposal_while_it_is_proposed(
    client, colleague, proposed, programmes
):
    client.force_login(colleague)
    response = client.post(
        url("programs:requirement_edit", proposed.pk), edit_data(programmes=[programmes[1].pk])
    )
    assert response.status_code == 302
    assert snapshot(proposed) == (
        "Ändrad titel",
        "Ändrad.",
        1,
        Status.PROPOSED,
        "",
        [programmes[1].pk],
    )


def test_another_organisations_proposal_is_not_found_and_not_changed(
    client, rep, rep2, proposed, other_setter
):
    _, _, theirs = other_setter
    for user, requirement in ((rep, theirs), (rep2, proposed)):
        before = snapshot(requirement)
        client.force_login(user)
        page_url = url("programs:requirement_edit", requirement.pk)
        assert client.get(page_url).status_code == 404
        assert client.post(page_url, edit_data()).status_code == 404
        assert snapshot(requirement) == before


@pytest.mark.parametrize("who", ["rep", "colleague", "rep2", "student", "lead"])
def test_nobody_edits_an_accepted_requirement(client, request, proposed, who):
    proposed.status = Status.ACCEPTED
    proposed.save()
    before = snapshot(proposed)
    client.force_login(request.getfixturevalue(who))
    page_url = url("programs:requirement_edit", proposed.pk)
    shown = page(client.get(page_url))
    assert shown.find("h1").text == proposed.title
    assert shown.find("form", cls="form") is None
    assert client.post(page_url, edit_data()).status_code == 403
    assert snapshot(proposed) == before


def test_an_accepted_requirement_is_public(client, proposed, programmes):
    """Partner pages link to accepted requirements: a visitor can read them."""
    proposed.status = Status.ACCEPTED
    proposed.save()
    page_url = url("programs:requirement_edit", proposed.pk)
    response = client.get(page_url)
    assert response.status_code == 200
    assert page(response).find("h1").text == proposed.title
    assert page(response).find("form", cls="form") is None
    assert client.post(page_url, edit_data()).status_code == 403
    # …and the partner page links to it.
    partner = client.get(url("partners:detail", proposed.organisation.slug))
    assert page(partner).find("a", href=page_url) is not None


# Deciding in the admin ---------------------------------------------------------------------------


def admin_change_data(requirement, **overrides):
    data = {
        "organisation": requirement.organisation_id,
        "title": requirement.title,
        "description": requirement.description,
        "importance": requirement.importance,
        "status": requirement.status,
        "rejection_reason": requirement.rejection_reason,
        "programmes": list(requirement.programmes.values_list("pk", flat=True)),
        "coverage-TOTAL_FORMS": "0",
        "coverage-INITIAL_FORMS": "0",
        "coverage-MIN_NUM_FORMS": "0",
        "coverage-MAX_NUM_FORMS": "1000",
        "_save": "Spara",
    }
    data.update(overrides)
    return data


def change_url(requirement):
    return url("admin:programs_competencerequirement_change", requirement.pk)


def expected_subject(language, accepted, title):
    with translation.override(language):
        if accepted:
            return translation.gettext("Your requirement was accepted: %(title)s") % {
                "title": title
            }
        return translation.gettext("Your requirement was not accepted: %(title)s") % {
            "title": title
        }


def test_rejecting_without_a_reason_is_refused(
    client, lead, proposed, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(proposed),
            admin_change_data(proposed, status=Status.REJECTED, rejection_reason="  "),
        )
    assert response.status_code == 200
    assert "rejection_reason" in response.context["adminform"].form.errors
    assert page(response).find("ul", cls="errorlist") is not None
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED
    assert mail.outbox == []


def test_rejecting_with_a_reason_tells_the_proposer_once_in_their_language(
    client, lead, rep, proposed, django_capture_on_commit_callbacks
):
    rep.language = "en"
    rep.save()
    reason = "Ingår redan i kravet om ritningsläsning."
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url(proposed),
            admin_change_data(proposed, status=Status.REJECTED, rejection_reason=reason),
        )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == Status.REJECTED
    assert proposed.rejection_reason == reason
    assert proposed.decided_by == lead
    assert proposed.decided_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [rep.email]
    assert message.subject == expected_subject("en", False, proposed.title)
    assert reason in message.body
    # The link goes to the requirement's page in English.
    assert url("programs:requirement_edit", proposed.pk, lang="en") in message.body
    assert url("programs:requirement_edit", proposed.pk, lang="sv") not in message.body


def test_the_rejection_reason_is_shown_to_the_proposing_organisation_only(
    client, proposed, lead, rep, colleague, rep2, student, other_setter
):
    reason = "För brett formulerat: dela upp det."
    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=False, reason=reason)
    page_url = url("programs:requirement_edit", proposed.pk)
    for user in (rep, colleague, lead):
        client.force_login(user)
        shown = page(client.get(page_url))
        assert reason in shown.find("dl", cls="facts").text
        assert shown.find("form", cls="form") is None  # a rejected requirement is locked
    for user in (rep2, student, other_setter[1]):
        client.force_login(user)
        assert client.get(page_url).status_code == 404
    client.logout()
    response = client.get(page_url)
    assert response.status_code == 404
    assert reason.encode() not in response.content


def test_accepting_with_the_admin_action_sends_one_email(
    client, lead, rep, proposed, other_setter, django_capture_on_commit_callbacks
):
    _, member, theirs = other_setter
    client.force_login(lead)
    changelist = url("admin:programs_competencerequirement_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "accept_selected", ACTION_CHECKBOX_NAME: [proposed.pk], "index": 0},
        )
    assert response.status_code == 302
    proposed.refresh_from_db()
    theirs.refresh_from_db()
    assert proposed.status == Status.ACCEPTED
    assert proposed.decided_by == lead
    assert theirs.status == Status.PROPOSED  # not selected, not touched
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [rep.email]
    assert mail.outbox[0].subject == expected_subject("sv", True, proposed.title)
    assert url("programs:requirement_edit", proposed.pk, lang="sv") in mail.outbox[0].body


def test_deciding_twice_sends_one_email(
    client, lead, rep, proposed, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    changelist = url("admin:programs_competencerequirement_changelist")
    action = {"action": "accept_selected", ACTION_CHECKBOX_NAME: [proposed.pk], "index": 0}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, action)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, action)
    proposed.refresh_from_db()
    decided_at = proposed.decided_at
    # Saving the accepted requirement in its change form is no new decision either…
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(proposed), admin_change_data(proposed, title="Ny rubrik"))
    assert response.status_code == 302
    # …nor is accepting it again directly.
    with django_capture_on_commit_callbacks(execute=True):
        decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)
    proposed.refresh_from_db()
    assert proposed.status == Status.ACCEPTED
    assert proposed.decided_at == decided_at
    assert len(mail.outbox) == 1


def test_rejecting_twice_sends_one_email(
    client, lead, proposed, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    for reason in ("Oklart.", "Oklart, se kommentar."):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                change_url(proposed),
                admin_change_data(proposed, status=Status.REJECTED, rejection_reason=reason),
            )
        proposed.refresh_from_db()
    assert proposed.status == Status.REJECTED
    assert proposed.rejection_reason == "Oklart, se kommentar."
    assert len(mail.outbox) == 1
