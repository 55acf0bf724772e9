"""Reading the log: the project leads' filterable list, a company's own log, admin."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from college_portal.activity.services import log
from partners.models import SteeringGroup
from partners.services import invite, set_organisation_active
from programs.models import CompetenceRequirement
from programs.services import decide_requirement
from tests.factories import RequirementFactory
from tests.helpers import page, table_by_caption, table_rows, url

pytestmark = pytest.mark.django_db


def entries_of(response):
    return list(response.context["page"].object_list)


@pytest.fixture
def history(lead, company, company2):
    """An invitation to each company, and the second company deactivated."""
    invite(organisation=company, email="ny@example.org", invited_by=lead)
    invite(organisation=company2, email="annan@example.org", invited_by=lead)
    set_organisation_active(organisation_id=company2.pk, active=False, actor=lead)


# --- The project leads' list -----------------------------------------------------------------


def test_a_lead_sees_the_whole_log_newest_first(client, lead, history):
    client.force_login(lead)

    response = client.get(url("activity:list"))

    assert response.status_code == 200
    assert [e.action for e in entries_of(response)] == [
        actions.ORGANISATION_DEACTIVATED,
        actions.INVITATION_SENT,
        actions.INVITATION_SENT,
    ]


def test_the_lead_list_filters_by_action_type_and_date(client, lead, history, company):
    client.force_login(lead)
    today = timezone.localdate()
    organisation_type = ContentType.objects.get_for_model(company)

    by_action = client.get(url("activity:list"), {"action": actions.INVITATION_SENT})
    by_type = client.get(url("activity:list"), {"object_type": organisation_type.pk})
    yesterday = client.get(url("activity:list"), {"date_to": today - timedelta(days=1)})
    today_only = client.get(url("activity:list"), {"date_from": today, "date_to": today})

    assert {e.action for e in entries_of(by_action)} == {actions.INVITATION_SENT}
    assert len(entries_of(by_action)) == 2
    assert [e.action for e in entries_of(by_type)] == [actions.ORGANISATION_DEACTIVATED]
    assert entries_of(yesterday) == []
    assert len(entries_of(today_only)) == 3


def test_an_impossible_date_range_is_explained(client, lead, history):
    client.force_login(lead)
    today = timezone.localdate()

    response = client.get(
        url("activity:list"), {"date_from": today, "date_to": today - timedelta(days=1)}
    )

    assert response.status_code == 200
    assert entries_of(response) == []
    assert response.context["form"].errors["date_to"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("sv", "Organisation inaktiverad"), ("en", "Organisation deactivated")],
)
def test_the_lead_list_reads_in_both_languages(client, lead, history, lang, text):
    client.force_login(lead)

    response = client.get(url("activity:list", lang=lang))

    caption = {"sv": "Aktivitet, nyast först", "en": "Activity, newest first"}[lang]
    rows = table_rows(table_by_caption(page(response), caption))
    assert rows[0][1] == text
    assert rows[0][3] == "Anna Holm"


def test_the_lead_list_links_objects_to_admin(client, lead, history, company2):
    client.force_login(lead)

    response = client.get(url("activity:list"))

    link = url("admin:partners_organisation_change", company2.pk)
    assert f'href="{link}"' in response.content.decode()


@pytest.mark.parametrize("who", ["student", "rep", "teacher"])
def test_only_project_leads_see_the_whole_log(client, request, who, history):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url("activity:list")).status_code == 403


def test_visitors_are_sent_to_sign_in(client, history):
    response = client.get(url("activity:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def many_entries(organisation, actor, count):
    for i in range(count):
        log(
            actor=actor,
            action=actions.OFFER_EDITED,
            obj=organisation,
            organisation=organisation,
            data={"capacity": [i, i + 1]},
        )


@pytest.mark.parametrize("count", [5, 30])
def test_the_lead_list_runs_the_same_queries_whatever_its_length(
    client, lead, rep, company, count, django_assert_max_num_queries
):
    many_entries(company, rep, count)
    client.force_login(lead)

    # session, user, object types for the filter, count, the page (actor and type joined)
    with django_assert_max_num_queries(5):
        response = client.get(url("activity:list"))

    assert len(entries_of(response)) == count


# --- A company's own log ---------------------------------------------------------------------


def test_a_representative_sees_their_organisations_log(client, rep, company, history):
    client.force_login(rep)

    response = client.get(url("partners:activity", company.slug))

    assert response.status_code == 200
    assert [e.action for e in entries_of(response)] == [actions.INVITATION_SENT]
    assert all(e.organisation_id == company.pk for e in entries_of(response))
    assert "annan@example.org" not in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "text", "caption"),
    [
        ("sv", "Inbjudan skickad", "Aktivitet för LK Precision AB, nyast först"),
        ("en", "Invitation sent", "Activity of LK Precision AB, newest first"),
    ],
)
def test_a_company_reads_its_log_in_its_language(
    client, rep, company, history, lang, text, caption
):
    client.force_login(rep)

    response = client.get(url("partners:activity", company.slug, lang=lang))

    rows = table_rows(table_by_caption(page(response), caption))
    assert [row[1] for row in rows] == [text]
    assert rows[0][3] == "Anna Holm"


def test_another_company_cannot_see_the_log(client, rep2, company, history):
    client.force_login(rep2)

    assert client.get(url("partners:activity", company.slug)).status_code == 404


def test_a_student_cannot_see_a_company_log(client, student, company, history):
    client.force_login(student)

    assert client.get(url("partners:activity", company.slug)).status_code == 404


def test_visitors_are_asked_to_sign_in_for_a_company_log(client, company):
    response = client.get(url("partners:activity", company.slug))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_the_dashboard_links_to_the_organisations_log(client, rep, company):
    client.force_login(rep)

    response = client.get(url("dashboard"))

    assert f'href="{url("partners:activity", company.slug)}"' in response.content.decode()


@pytest.mark.parametrize("count", [5, 30])
def test_the_company_log_runs_the_same_queries_whatever_its_length(
    client, rep, company, count, django_assert_max_num_queries
):
    many_entries(company, rep, count)
    client.force_login(rep)

    # session, user, organisation, count, the page (actor joined)
    with django_assert_max_num_queries(5):
        response = client.get(url("partners:activity", company.slug))

    assert len(entries_of(response)) == count


# --- Admin ----------------------------------------------------------------------------------


def test_the_log_in_admin_is_read_only(client, lead, history):
    entry = ActivityEntry.objects.first()
    client.force_login(lead)
    change = url("admin:activity_activityentry_change", entry.pk)

    assert client.get(url("admin:activity_activityentry_changelist")).status_code == 200
    assert client.get(url("admin:activity_activityentry_add")).status_code == 403
    assert client.get(url("admin:activity_activityentry_delete", entry.pk)).status_code == 403
    response = client.get(change)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.post(change, {"action": "x"}).status_code == 403
    assert ActivityEntry.objects.count() == 3


def test_the_admin_log_filters_by_action_and_searches_objects(client, lead, history):
    client.force_login(lead)
    changelist = url("admin:activity_activityentry_changelist")

    by_action = client.get(changelist, {"action": actions.ORGANISATION_DEACTIVATED})
    by_search = client.get(changelist, {"q": "Huddinge"})

    assert [e.action for e in by_action.context["cl"].result_list] == [
        actions.ORGANISATION_DEACTIVATED
    ]
    assert [e.object_repr for e in by_search.context["cl"].result_list] == ["Huddinge Fräs AB"]


def test_an_organisations_admin_page_shows_its_activity(client, lead, company, history):
    client.force_login(lead)

    response = client.get(url("admin:partners_organisation_change", company.pk))

    content = response.content.decode()
    assert "Inbjudan skickad" in content
    log_link = url("admin:activity_activityentry_changelist") + f"?organisation_id={company.pk}"
    assert f'href="{log_link}"' in content
    listed = client.get(log_link)
    assert [e.action for e in listed.context["cl"].result_list] == [actions.INVITATION_SENT]


def test_a_requirements_admin_page_shows_its_decision(client, lead, company, rep):
    requirement = RequirementFactory(
        organisation=company, proposed_by=rep, status=CompetenceRequirement.Status.PROPOSED
    )
    decide_requirement(requirement_id=requirement.pk, decided_by=lead, accept=True)
    client.force_login(lead)

    response = client.get(url("admin:programs_competencerequirement_change", requirement.pk))

    assert "Krav godkänt" in response.content.decode()


def test_an_objects_admin_page_links_to_its_own_entries_only(client, lead, company):
    group = SteeringGroup.objects.create(name="Regional", level="regional")
    other = SteeringGroup.objects.create(name="Lokal", level="local", municipality="Huddinge")
    for each in (group, other):
        log(actor=lead, action=actions.STEERING_MEMBER_ADDED, obj=each, organisation=company)
    client.force_login(lead)

    response = client.get(url("admin:partners_steeringgroup_change", group.pk))

    content = response.content.decode()
    start = content.index(url("admin:activity_activityentry_changelist") + "?")
    log_link = content[start : content.index('"', start)].replace("&amp;", "&")
    listed = client.get(log_link)
    assert listed.status_code == 200
    assert [e.object_repr for e in listed.context["cl"].result_list] == ["Regional"]
