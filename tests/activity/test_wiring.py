"""Each service and admin change writes its entry, in the same transaction as the change."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.accounts.personal_data import delete_account
from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from partners.models import Agreement, Invitation, Organisation, SteeringGroup, SteeringGroupMember
from partners.services import (
    accept_invitation,
    invite,
    revoke_invitation,
    set_organisation_active,
)
from programs.models import CompetenceRequirement
from programs.services import decide_requirement
from tests.factories import RequirementFactory
from tests.helpers import ORGANISATION_INLINES, inline_management_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish_urls():
    with translation.override("sv"):
        yield


def only_entry(**filters):
    (entry,) = ActivityEntry.objects.filter(**filters)
    return entry


# --- Requirements ----------------------------------------------------------------------------


@pytest.fixture
def proposed(company, rep):
    return RequirementFactory(
        organisation=company, proposed_by=rep, status=CompetenceRequirement.Status.PROPOSED
    )


def test_accepting_a_requirement_is_logged_with_its_status_change(lead, company, proposed):
    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)

    entry = only_entry()
    assert entry.action == actions.REQUIREMENT_ACCEPTED
    assert entry.actor == lead
    assert entry.obj == proposed
    assert entry.organisation_id == company.pk
    assert entry.data == {"status": ["proposed", "accepted"]}


def test_rejecting_a_requirement_is_logged_with_the_reason(lead, proposed):
    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=False, reason="Finns")

    entry = only_entry()
    assert entry.action == actions.REQUIREMENT_REJECTED
    assert entry.data == {"status": ["proposed", "rejected"], "reason": "Finns"}


def test_deciding_again_the_same_way_logs_nothing_more(lead, proposed):
    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)
    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)

    assert ActivityEntry.objects.count() == 1


def test_a_decision_that_fails_leaves_neither_change_nor_entry(monkeypatch, lead, proposed):
    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("programs.services.notify", broken)

    with pytest.raises(RuntimeError):
        decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)

    proposed.refresh_from_db()
    assert proposed.status == CompetenceRequirement.Status.PROPOSED
    assert not ActivityEntry.objects.exists()


# --- Invitations -----------------------------------------------------------------------------


def test_sending_an_invitation_is_logged_without_the_address(lead, company):
    invitation = invite(organisation=company, email="ny@example.org", invited_by=lead)

    entry = only_entry()
    assert entry.action == actions.INVITATION_SENT
    assert entry.actor == lead
    assert entry.obj == invitation
    assert entry.organisation_id == company.pk
    assert entry.data == {"role": "representative"}
    assert "ny@example.org" not in entry.object_repr


def test_an_invitation_that_fails_to_send_leaves_no_entry(monkeypatch, lead, company):
    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("partners.services.notify", broken)

    with pytest.raises(RuntimeError):
        invite(organisation=company, email="ny@example.org", invited_by=lead)

    assert not Invitation.objects.exists()
    assert not ActivityEntry.objects.exists()


def test_accepting_an_invitation_is_logged_by_the_new_member(lead, company):
    invitation = invite(organisation=company, email="ny@example.org", invited_by=lead)

    user = accept_invitation(invitation_id=invitation.pk, full_name="Ny Person", password="x-9!")

    entry = only_entry(action=actions.INVITATION_ACCEPTED)
    assert entry.actor == user
    assert entry.organisation_id == company.pk
    assert "Ny Person" not in entry.object_repr


def test_revoking_an_invitation_stops_its_link_and_is_logged(lead, company):
    invitation = invite(organisation=company, email="ny@example.org", invited_by=lead)

    assert revoke_invitation(invitation_id=invitation.pk, revoked_by=lead) is True
    assert revoke_invitation(invitation_id=invitation.pk, revoked_by=lead) is False

    invitation.refresh_from_db()
    assert invitation.is_expired
    assert not Invitation.objects.pending().exists()
    entry = only_entry(action=actions.INVITATION_REVOKED)
    assert entry.actor == lead


def test_another_company_cannot_revoke(lead, rep2, company):
    from django.core.exceptions import PermissionDenied

    invitation = invite(organisation=company, email="ny@example.org", invited_by=lead)

    with pytest.raises(PermissionDenied):
        revoke_invitation(invitation_id=invitation.pk, revoked_by=rep2)

    assert not ActivityEntry.objects.filter(action=actions.INVITATION_REVOKED).exists()


def test_a_lead_revokes_invitations_from_admin(client, lead, company):
    invitation = invite(organisation=company, email="ny@example.org", invited_by=lead)
    client.force_login(lead)

    client.post(
        reverse("admin:partners_invitation_changelist"),
        {"action": "revoke", "_selected_action": [invitation.pk], "index": "0"},
    )

    assert only_entry(action=actions.INVITATION_REVOKED).obj == invitation


# --- Organisations ---------------------------------------------------------------------------


def test_deactivating_an_organisation_is_logged_once(lead, company):
    assert set_organisation_active(organisation_id=company.pk, active=False, actor=lead)
    assert not set_organisation_active(organisation_id=company.pk, active=False, actor=lead)

    entry = only_entry()
    assert entry.action == actions.ORGANISATION_DEACTIVATED
    assert entry.data == {"active": [True, False]}
    assert entry.organisation_id == company.pk


def test_the_mark_inactive_action_logs_each_organisation_it_changes(
    client, lead, company, company2
):
    Organisation.objects.filter(pk=company2.pk).update(active=False)
    client.force_login(lead)

    client.post(
        reverse("admin:partners_organisation_changelist"),
        {"action": "mark_inactive", "_selected_action": [company.pk, company2.pk], "index": "0"},
    )

    entry = only_entry(action=actions.ORGANISATION_DEACTIVATED)
    assert entry.organisation_id == company.pk


def organisation_form(organisation, **changes):
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "organisation_number": organisation.organisation_number,
        "kind": organisation.kind,
        "municipality": organisation.municipality,
        "website": "",
        "description": "",
        "active": "on" if organisation.active else "",
        **inline_management_data(*ORGANISATION_INLINES),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_unticking_active_in_admin_logs_the_deactivation_and_the_admin_change(
    client, lead, company
):
    client.force_login(lead)

    response = client.post(
        reverse("admin:partners_organisation_change", args=[company.pk]),
        organisation_form(company, active=None),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert not company.active
    assert only_entry(action=actions.ORGANISATION_DEACTIVATED).actor == lead
    change = only_entry(action=actions.ADMIN_CHANGED)
    assert change.actor == lead
    assert change.obj == company
    assert change.organisation_id == company.pk
    assert change.data == {"message": [{"changed": {"fields": ["Active"]}}]}


# --- Agreements ------------------------------------------------------------------------------


def agreement_form(organisation, **changes):
    return {
        "organisation": organisation.pk,
        "kind": "collaboration",
        "title": "Samverkansavtal",
        "scope": "",
        "signed_on": "",
        "valid_from": "2026-01-01",
        "valid_to": "2027-12-31",
        "responsible": "",
        **changes,
    }


def test_adding_and_changing_an_agreement_in_admin_is_logged(client, lead, company):
    client.force_login(lead)

    client.post(reverse("admin:partners_agreement_add"), agreement_form(company))
    agreement = Agreement.objects.get()
    client.post(
        reverse("admin:partners_agreement_change", args=[agreement.pk]),
        agreement_form(company, valid_to="2028-06-30"),
    )

    added = only_entry(action=actions.AGREEMENT_ADDED)
    assert added.organisation_id == company.pk
    assert added.data["valid_to"] == [None, "2027-12-31"]
    changed = only_entry(action=actions.AGREEMENT_CHANGED)
    assert changed.actor == lead
    assert changed.data == {"valid_to": ["2027-12-31", "2028-06-30"]}
    assert ActivityEntry.objects.filter(action=actions.ADMIN_ADDED).count() == 1


def test_an_agreement_added_on_the_organisation_page_is_logged(client, lead, company):
    client.force_login(lead)
    data = organisation_form(company)
    data.update(
        {
            "agreements-TOTAL_FORMS": "1",
            "agreements-0-kind": "collaboration",
            "agreements-0-title": "Avtal 2027",
            "agreements-0-valid_from": "2027-01-01",
            "agreements-0-valid_to": "",
            "agreements-0-responsible": "",
        }
    )

    response = client.post(reverse("admin:partners_organisation_change", args=[company.pk]), data)

    assert response.status_code == 302
    entry = only_entry(action=actions.AGREEMENT_ADDED)
    assert entry.obj == Agreement.objects.get()
    assert entry.organisation_id == company.pk


# --- Steering groups -------------------------------------------------------------------------


def steering_form(group, members):
    data = {
        "name": group.name,
        "level": group.level,
        "municipality": group.municipality,
        "description": "",
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(sum(1 for m in members if m.get("id"))),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "meetings-TOTAL_FORMS": "0",
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "1000",
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{i}-{key}"] = value
    return data


def member_row(organisation, **extra):
    return {
        "group": "",
        "person_name": "Karin Berg",
        "user": "",
        "organisation": organisation.pk,
        "from_date": "2026-01-01",
        "to_date": "",
        **extra,
    }


def test_steering_group_membership_changes_are_logged_without_names(client, lead, company):
    group = SteeringGroup.objects.create(name="Regional styrgrupp", level="regional")
    url = reverse("admin:partners_steeringgroup_change", args=[group.pk])
    client.force_login(lead)

    client.post(url, steering_form(group, [member_row(company)]))
    member = SteeringGroupMember.objects.get()
    client.post(url, steering_form(group, [member_row(company, id=member.pk, is_chair="on")]))
    client.post(url, steering_form(group, [member_row(company, id=member.pk, DELETE="on")]))

    assert not SteeringGroupMember.objects.exists()
    entries = list(ActivityEntry.objects.filter(action__startswith="partners.steering").reverse())
    assert [e.action for e in entries] == [
        actions.STEERING_MEMBER_ADDED,
        actions.STEERING_MEMBER_CHANGED,
        actions.STEERING_MEMBER_REMOVED,
    ]
    assert all(e.obj == group and e.organisation_id == company.pk for e in entries)
    assert entries[1].data == {
        "member": member.pk,
        "represents": "LK Precision AB",
        "is_chair": [False, True],
    }
    for entry in ActivityEntry.objects.all():
        assert "Karin" not in entry.object_repr and "Karin" not in str(entry.data)


# --- Admin changes and account deletion -----------------------------------------------------


def test_admin_messages_keep_field_names_but_not_the_people_they_name(client, lead, company, rep):
    client.force_login(lead)
    data = organisation_form(company)
    membership = rep.memberships.get()
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-organisation": company.pk,
            "memberships-0-user": rep.pk,
            "memberships-0-role": "representative",
        }
    )

    client.post(reverse("admin:partners_organisation_change", args=[company.pk]), data)

    entry = only_entry(action=actions.ADMIN_CHANGED)
    assert entry.data == {
        "message": [{"changed": {"name": "membership", "fields": ["Role in the organisation"]}}]
    }
    assert "Karin" not in str(entry.data)
    with translation.override("sv"):
        (line,) = entry.details()
    assert line.startswith("Ändrade ")


def test_deleting_several_objects_in_admin_logs_each(client, lead):
    groups = [SteeringGroup.objects.create(name=f"Grupp {i}", level="regional") for i in (1, 2)]
    client.force_login(lead)

    client.post(
        reverse("admin:partners_steeringgroup_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [g.pk for g in groups],
            "post": "yes",
        },
    )

    assert not SteeringGroup.objects.exists()
    deleted = ActivityEntry.objects.filter(action=actions.ADMIN_DELETED)
    assert sorted(e.object_repr for e in deleted) == ["Grupp 1", "Grupp 2"]
    assert {e.actor for e in deleted} == {lead}


def test_account_deletion_is_logged_without_personal_data(student):
    delete_account(user=student)

    entry = only_entry(action=actions.ACCOUNT_DELETED)
    assert entry.actor is None
    assert entry.content_type == ContentType.objects.get_for_model(student)
    assert entry.object_repr == f"account #{student.pk}"
    text = f"{entry.object_repr} {entry.data}".lower()
    for personal in ("elsa", "lindqvist", "example.org"):
        assert personal not in text


def test_the_log_is_not_touched_by_later_admin_deletions_of_users(client, lead, student):
    delete_account(user=student)
    client.force_login(lead)

    client.post(reverse("admin:accounts_user_delete", args=[student.pk]), {"post": "yes"})

    assert ActivityEntry.objects.filter(action=actions.ACCOUNT_DELETED).count() == 1
    deleted = only_entry(action=actions.ADMIN_DELETED)
    assert deleted.object_repr == f"account #{student.pk}"


def test_entries_record_when(lead, proposed):
    before = timezone.now() - timedelta(seconds=1)

    decide_requirement(requirement_id=proposed.pk, decided_by=lead, accept=True)

    assert before <= only_entry().created_at <= timezone.now()
