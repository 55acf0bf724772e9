"""The activity log itself: the action table, log(), and that entries are never changed."""

import pytest
from django.db import transaction
from django.utils import translation

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry, AppendOnlyError
from college_portal.activity.services import changes, log
from tests.factories import ProgrammeCourseFactory

CONSTANTS = [
    value for name, value in vars(actions).items() if name.isupper() and isinstance(value, str)
]


def test_every_constant_has_one_display_text():
    assert len(CONSTANTS) == len(set(CONSTANTS)) >= 22
    assert set(CONSTANTS) == set(actions.ACTION_TEXTS)


@pytest.mark.parametrize("action", CONSTANTS)
def test_every_action_reads_in_swedish_and_english(action):
    with translation.override("en"):
        english = str(actions.text_for(action))
    with translation.override("sv"):
        swedish = str(actions.text_for(action))

    assert english and english != action
    assert swedish and swedish != english


def test_it_writes_an_entry(company, rep):
    entry = log(
        actor=rep,
        action=actions.INVITATION_SENT,
        obj=company,
        organisation=company,
        data={"capacity": [10, 8]},
    )

    entry.refresh_from_db()
    assert entry.actor == rep
    assert entry.obj == company
    assert entry.object_repr == "LK Precision AB"
    assert entry.organisation_id == company.pk
    assert entry.data == {"capacity": [10, 8]}
    assert list(ActivityEntry.objects.for_object(company)) == [entry]
    assert list(ActivityEntry.objects.for_organisation(company.pk)) == [entry]


def test_it_refuses_an_unknown_action(company):
    with pytest.raises(ValueError):
        log(actor=None, action="partners.organisation.painted", obj=company)

    assert not ActivityEntry.objects.exists()


def test_a_user_object_is_named_by_its_id_only(student):
    entry = log(actor=None, action=actions.ACCOUNT_DELETED, obj=student)

    assert entry.object_repr == f"account #{student.pk}"


def test_entries_cannot_be_changed_or_deleted(company):
    entry = log(actor=None, action=actions.ORGANISATION_ACTIVATED, obj=company)

    entry.data = {"active": [True, False]}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ActivityEntry.objects.all().update(action=actions.ORGANISATION_DEACTIVATED)
    with pytest.raises(AppendOnlyError):
        ActivityEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.data == {}


def test_an_entry_is_rolled_back_with_its_change(company):
    with pytest.raises(RuntimeError), transaction.atomic():
        log(actor=None, action=actions.ORGANISATION_ACTIVATED, obj=company)
        raise RuntimeError

    assert not ActivityEntry.objects.exists()


def test_the_actor_may_be_deleted_the_entry_stays(company, rep):
    entry = log(actor=rep, action=actions.INVITATION_SENT, obj=company)

    rep.delete()

    entry.refresh_from_db()
    assert entry.actor is None


def test_changes_lists_only_what_differs():
    class Before:
        capacity, title, valid_to = 10, "A", None

    class After:
        capacity, title, valid_to = 8, "A", __import__("datetime").date(2027, 1, 31)

    assert changes(Before, After, ["capacity", "title", "valid_to"]) == {
        "capacity": [10, 8],
        "valid_to": [None, "2027-01-31"],
    }


def test_details_read_in_the_active_language(company):
    entry = log(
        actor=None, action=actions.OFFER_EDITED, obj=company, data={"active": [True, False]}
    )

    with translation.override("sv"):
        assert entry.details() == ["aktiv: ja → nej"]
    with translation.override("en"):
        assert entry.details() == ["active: yes → no"]


def test_an_object_that_does_not_say_its_name_is_safe_is_named_by_model_and_id(db):
    plan_item = ProgrammeCourseFactory()

    entry = log(actor=None, action=actions.ADMIN_CHANGED, obj=plan_item)

    assert entry.object_repr == f"programmecourse #{plan_item.pk}"


def test_times_read_in_stockholm_time(company):
    entry = log(
        actor=None,
        action=actions.OFFER_SLOT_CHANGED,
        obj=company,
        data={"starts_at": ["2026-12-01T08:00:00Z", "2026-12-01T09:30:00Z"], "slot": 7},
    )

    with translation.override("sv"):
        assert entry.details() == ["börjar: 2026-12-01 09:00 → 2026-12-01 10:30", "tid: 7"]
