"""Competence areas and needs inventory rounds as project leads keep them in admin, and the
areas a representative tags a requirement with. A round saved with nobody asked asks every
active company with the requirement-setter or internship-host role; a lead closes rounds with
an admin action; stated needs are read-only in admin, history included."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from partners.models import OrganisationKind
from programs.inventory import open_round
from programs.models import CompetenceArea, CompetenceRequirement, InventoryRound, NeedAnswer
from tests.factories import (
    CourseFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerRoleFactory,
    ProgrammeFactory,
    RequirementFactory,
)
from tests.helpers import page, post, url

from .inventory_data import answer, make_areas, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def others(db):
    """Organisations that are not asked by default: a school, an inactive host, a company with
    only the study-visit role, and an employer organisation setting requirements."""
    inactive = OrganisationFactory(name="Nedlagda Verkstaden AB", active=False)
    PartnerRoleFactory(organisation=inactive, role="internship_host")
    visits_only = OrganisationFactory(name="Visningsverkstaden AB")
    PartnerRoleFactory(organisation=visits_only, role="study_visit_host")
    employers = OrganisationFactory(
        name="Teknikföretagen", kind=OrganisationKind.EMPLOYER_ORGANISATION
    )
    PartnerRoleFactory(organisation=employers, role="requirement_setter")
    return [
        OrganisationFactory(name="Täljegymnasiet", kind=OrganisationKind.SCHOOL),
        inactive,
        visits_only,
        employers,
    ]


def add_round(client, **fields):
    data = {
        "title": "Behovsinventering 2027",
        "year": "2027",
        "deadline": "2027-01-15",
        "_save": "1",
    }
    data.update(fields)
    return client.post(url("admin:programs_inventoryround_add"), data)


# --- Opening a round -----------------------------------------------------------------------------


def test_a_round_saved_with_nobody_asked_asks_every_active_requirement_setter_and_host(
    lead_client, lead, company, company2, others
):
    response = add_round(lead_client)

    assert response.status_code == 302, response.content[:2000]
    inventory_round = InventoryRound.objects.get()
    assert sorted(o.name for o in inventory_round.asked.all()) == [
        "Huddinge Fräs AB",
        "LK Precision AB",
    ]
    assert inventory_round.opened_by == lead
    assert inventory_round.is_open
    opened = ActivityEntry.objects.get(action=actions.INVENTORY_OPENED)
    assert opened.actor == lead
    assert opened.data == {"answer_by": "2027-01-15", "asked": 2}
    assert ActivityEntry.objects.filter(action=actions.ADMIN_ADDED).count() == 1


def test_a_round_asks_only_the_organisations_chosen(lead_client, company, company2):
    add_round(lead_client, asked=[company2.pk])

    assert list(InventoryRound.objects.get().asked.all()) == [company2]


def test_the_add_page_says_what_an_empty_choice_means(lead_client):
    response = lead_client.get(url("admin:programs_inventoryround_add"))

    assert response.status_code == 200
    assert "Lämna tomt för att fråga alla aktiva företag" in response.content.decode()


def test_a_round_emptied_when_edited_asks_the_default_again(lead_client, company, company2):
    inventory_round = make_round([company2])

    response = lead_client.post(
        url("admin:programs_inventoryround_change", inventory_round.pk),
        {
            "title": "Behovsinventering 2026",
            "year": "2026",
            "deadline": inventory_round.deadline.isoformat(),
            "_save": "1",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert set(inventory_round.asked.all()) == {company, company2}
    assert any("Ingen valdes" in str(message) for message in response.context["messages"])


@pytest.mark.parametrize(
    ("field", "value"), [("deadline", "0001-01-01"), ("deadline", "2027-13-45"), ("year", "1999")]
)
def test_a_round_with_a_date_or_year_out_of_range_is_refused_with_a_message(
    lead_client, company, field, value
):
    response = add_round(lead_client, **{field: value})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not InventoryRound.objects.exists()


def test_only_project_leads_open_rounds(rep, company):
    with pytest.raises(PermissionDenied):
        open_round(title="Egen runda", year=2026, deadline=timezone.localdate(), opened_by=rep)
    assert not InventoryRound.objects.exists()


# --- Closing -----------------------------------------------------------------------------------


def test_the_close_action_closes_the_rounds_once_and_the_answer_page_turns_read_only(
    lead_client, lead, client, rep, company
):
    make_areas(1)
    first, second = make_round([company]), make_round([company], title="Extra")
    changelist = url("admin:programs_inventoryround_changelist")

    response = post(
        lead_client,
        changelist,
        {"action": "close_selected", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    again = post(
        lead_client, changelist, {"action": "close_selected", ACTION_CHECKBOX_NAME: [first.pk]}
    )

    assert response.shown == ["2 omgångar stängda."]
    assert again.shown == ["0 omgångar stängda."]
    first.refresh_from_db()
    assert first.closed_at is not None and not first.is_open
    assert ActivityEntry.objects.filter(action=actions.INVENTORY_CLOSED, actor=lead).count() == 2
    client.force_login(rep)
    answer_page = client.get(url("programs:inventory_answer", first.pk, company.slug))
    assert "Inventeringen har stängts" in answer_page.content.decode()


# --- The lists ---------------------------------------------------------------------------------


def test_the_round_list_counts_asked_and_answered_in_fixed_queries(lead_client, company, company2):
    areas = make_areas(2)

    def rows():
        with CaptureQueriesContext(connection) as queries:
            response = lead_client.get(url("admin:programs_inventoryround_changelist"))
        assert response.status_code == 200
        body = page(response).find("table", id="result_list").find("tbody")
        shown = {
            row.find("th", cls="field-title").text: (
                row.find("td", cls="field-asked_count").text,
                row.find("td", cls="field-answered_count").text,
                row.find("td", cls="field-state").text,
            )
            for row in body.find_all("tr")
        }
        return shown, len(queries)

    first = make_round([company, company2])
    for area in areas:  # LK answered twice: history does not count twice
        answer(first, company, area, current=False)
        answer(first, company, area)
    shown, few = rows()
    assert shown == {"Behovsinventering 2026": ("2", "1", "Öppen")}

    for i in range(10):
        extra = make_round([company], title=f"Runda {i}", closed_at=timezone.now())
        answer(extra, company, areas[0])
    shown, many = rows()
    assert shown["Runda 3"] == ("1", "1", "Stängd")
    assert many == few


def test_stated_needs_are_read_only_in_admin_with_their_history(lead_client, company, rep):
    areas = make_areas(1)
    inventory_round = make_round([company])
    old = answer(inventory_round, company, areas[0], (1, 2, 3), current=False, answered_by=rep)
    answer(inventory_round, company, areas[0], (2, 3, 4), answered_by=rep)

    listing = lead_client.get(
        url("admin:programs_needanswer_changelist"), {"round__id__exact": inventory_round.pk}
    )
    detail = lead_client.get(url("admin:programs_needanswer_change", old.pk))

    assert listing.status_code == 200
    rows = page(listing).find("table", id="result_list").find("tbody").find_all("tr")
    assert len(rows) == 2  # current and history
    assert lead_client.get(url("admin:programs_needanswer_add")).status_code == 403
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # view only
    lead_client.post(url("admin:programs_needanswer_change", old.pk), {"within_1_year": "9"})
    lead_client.post(url("admin:programs_needanswer_delete", old.pk), {"post": "yes"})
    assert NeedAnswer.objects.get(pk=old.pk).within_1_year == 1


# --- Competence areas ----------------------------------------------------------------------


def test_a_lead_adds_a_competence_area_with_an_occupation_code(lead_client):
    response = lead_client.post(
        url("admin:programs_competencearea_add"),
        {"name_sv": "Svetsning", "name_en": "Welding", "ssyk_code": "7212", "occupation": "Svetsare och gasskärare", "order": "80", "active": "on", "_save": "1"},
    )  # fmt: skip

    assert response.status_code == 302
    area = CompetenceArea.objects.get()
    assert (area.name_sv, area.name_en, area.ssyk_code) == ("Svetsning", "Welding", "7212")
    found = lead_client.get(url("admin:programs_competencearea_changelist"), {"q": "7212"})
    assert "Svetsning" in found.content.decode()


def test_an_occupation_code_that_is_not_1_to_4_digits_is_refused(lead_client):
    response = lead_client.post(
        url("admin:programs_competencearea_add"),
        {
            "name_sv": "Svetsning",
            "name_en": "Welding",
            "ssyk_code": "72a1",
            "order": "80",
            "_save": "1",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ssyk_code"]
    assert not CompetenceArea.objects.exists()


def test_a_lead_tags_a_course_and_a_requirement_with_areas_in_admin(lead_client, company):
    areas = make_areas(3)
    course = CourseFactory(code="DATDAT01", name="Datorstyrd produktion 1")
    requirement = RequirementFactory(organisation=company, title="Svarvar")

    course_page = page(lead_client.get(url("admin:programs_course_change", course.pk)))
    assert course_page.find("select", name="areas") is not None
    response = lead_client.post(
        url("admin:programs_course_change", course.pk),
        {"code": "DATDAT01", "name": "Datorstyrd produktion 1", "points": "100", "subject_area": "cnc", "areas": [areas[0].pk, areas[1].pk], "_save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert set(course.areas.all()) == set(areas[:2])

    requirement_page = page(
        lead_client.get(url("admin:programs_competencerequirement_change", requirement.pk))
    )
    assert requirement_page.find("select", name="areas") is not None


# --- The representative's requirement form -------------------------------------------------


def test_a_representative_tags_a_proposed_requirement_with_active_areas(client, rep, company):
    areas = make_areas(3)
    areas[2].active = False
    areas[2].save()
    programme = ProgrammeFactory()
    client.force_login(rep)
    new = url("programs:requirement_new")

    offered = page(client.get(new)).find_all("input", name="areas")
    assert [i.attrs["value"] for i in offered] == [str(areas[0].pk), str(areas[1].pk)]
    client.post(
        new,
        {"organisation": company.pk, "title": "Svarvar i CNC", "importance": "2",
         "programmes": [programme.pk], "areas": [areas[0].pk]},
    )  # fmt: skip

    requirement = CompetenceRequirement.objects.get()
    assert list(requirement.areas.all()) == [areas[0]]
    shown = client.get(url("programs:requirement_edit", requirement.pk)).content.decode()
    assert "Kompetensområden" in shown and "CNC-svarvning" in shown

    # Editing it: an area retired since it was tagged stays offered until untagged.
    requirement.areas.add(areas[2])
    edit = page(client.get(url("programs:requirement_edit", requirement.pk)))
    assert {i.attrs["value"] for i in edit.find_all("input", name="areas")} == {
        str(a.pk) for a in areas
    }
    client.post(
        url("programs:requirement_edit", requirement.pk),
        {"title": "Svarvar i CNC", "importance": "2", "programmes": [programme.pk], "areas": [areas[1].pk]},
    )  # fmt: skip
    assert list(requirement.areas.all()) == [areas[1]]


def test_an_area_id_that_is_not_offered_is_refused(client, rep, company):
    inactive = make_areas(1)[0]
    inactive.active = False
    inactive.save()
    client.force_login(rep)

    response = client.post(
        url("programs:requirement_new"),
        {
            "organisation": company.pk,
            "title": "Svarvar",
            "importance": "2",
            "areas": [inactive.pk, "x"],
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["areas"]
    assert not CompetenceRequirement.objects.exists()


def test_members_of_several_organisations_only_reach_their_own_rounds(client, company, company2):
    """A company rep who is also a member of a school (odd, but possible) sees only rounds asking
    an organisation of theirs."""
    person = MembershipFactory(organisation=company2).user
    make_areas(1)
    not_theirs = make_round([company])

    client.force_login(person)
    assert client.get(url("programs:inventory", not_theirs.pk)).status_code == 404
