"""Admitted and completed students per intake and year: the providing school's staff enter them
on a page of their own, project leads there or in admin; every save keeps the previous figure
as history; nobody else sees or changes them."""

from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from college_portal.accounts.models import Role
from programs.models import SupplyFigure
from programs.supply import record_supply
from tests.conftest import require
from tests.factories import (
    IntakeFactory,
    MembershipFactory,
    ProgrammeFactory,
    SchoolFactory,
    SupplyFigureFactory,
)
from tests.helpers import all_at_once, outcomes, page, post, url

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def programme(school):
    return ProgrammeFactory(name="Industritekniska programmet", provider=school, length_weeks=120)


@pytest.fixture
def intake(programme):
    return IntakeFactory(
        programme=programme,
        seats=16,
        start_date=date(YEAR, 8, 20),
        application_deadline=date(YEAR, 4, 15),
    )


@pytest.fixture
def other_teacher(db):
    return MembershipFactory(
        organisation=SchoolFactory(name="Huddinge Vux"),
        user__email="lars@example.org",
        user__role=Role.SCHOOL_STAFF,
    ).user


def entry(intake, year, admitted, completed):
    return {"intake": intake.pk, "year": year, "admitted": admitted, "completed": completed}


def figures(intake):
    return list(
        SupplyFigure.objects.filter(intake=intake)
        .order_by("pk")
        .values_list("year", "admitted", "completed", "current")
    )


def test_the_schools_teacher_enters_the_figures_of_a_year(client, teacher, programme, intake):
    client.force_login(teacher)

    response = post(client, url("programs:supply", programme.slug), entry(intake, YEAR, 14, 0))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#intake-{intake.pk}")
    assert response.shown == [f"Sparat: 14 antagna och 0 slutförda {YEAR}."]
    assert figures(intake) == [(YEAR, 14, 0, True)]
    assert SupplyFigure.objects.get().entered_by == teacher
    html = client.get(url("programs:supply", programme.slug)).content.decode()
    assert "Nu: 14 antagna, 0 slutförda (angivet av" in html


def test_every_year_of_the_intake_has_its_form(client, teacher, programme, intake):
    client.force_login(teacher)

    document = page(client.get(url("programs:supply", programme.slug)))

    # 120 weeks: three school years, and one more for late completions.
    legends = [legend.text for legend in document.find_all("legend")]
    assert legends == [str(y) for y in range(YEAR, YEAR + 4)]
    label = document.find("label", **{"for": f"id_{intake.pk}_{YEAR + 3}_completed"})
    assert label.text == "Slutförda"


def test_new_figures_keep_the_earlier_ones_as_history(client, teacher, programme, intake):
    client.force_login(teacher)
    address = url("programs:supply", programme.slug)
    post(client, address, entry(intake, YEAR, 14, 0))

    post(client, address, entry(intake, YEAR, 15, 1))

    assert figures(intake) == [(YEAR, 14, 0, False), (YEAR, 15, 1, True)]
    html = client.get(address).content.decode()
    assert "Nu: 15 antagna, 1 slutförda" in html
    assert "En tidigare siffra" in html
    assert "14 antagna, 0 slutförda (angivet av" in html


def test_saving_the_same_figures_again_adds_no_history(client, teacher, programme, intake):
    client.force_login(teacher)
    address = url("programs:supply", programme.slug)
    post(client, address, entry(intake, YEAR, 14, 0))

    post(client, address, entry(intake, YEAR, 14, 0))

    assert figures(intake) == [(YEAR, 14, 0, True)]


def test_wrong_figures_are_explained_where_they_were_typed(client, teacher, programme, intake):
    client.force_login(teacher)

    response = client.post(
        url("programs:supply", programme.slug),
        {"intake": intake.pk, "year": YEAR + 1, "admitted": "-1", "completed": "många"},
    )

    assert response.status_code == 400
    assert figures(intake) == []
    document = page(response)
    summary = document.find(cls="error-summary")
    assert "Antagna" in summary.text and "Slutförda" in summary.text
    field = document.find("input", id=f"id_{intake.pk}_{YEAR + 1}_admitted")
    assert field.attrs["value"] == "-1" and field.attrs["aria-invalid"] == "true"


def test_a_year_the_intake_does_not_run_is_refused(client, teacher, programme, intake):
    client.force_login(teacher)

    response = client.post(url("programs:supply", programme.slug), entry(intake, YEAR - 1, 14, 0))

    assert response.status_code == 400
    assert f"Välj ett år från {YEAR} till {YEAR + 3}" in response.content.decode()
    assert figures(intake) == []


def test_an_intake_of_another_programme_cannot_be_posted_here(client, teacher, school, programme):
    # Even one of the same school: each page changes its own programme's figures only.
    other = IntakeFactory(programme=ProgrammeFactory(provider=school), start_date=date(YEAR, 8, 1))
    client.force_login(teacher)

    response = client.post(url("programs:supply", programme.slug), entry(other, YEAR, 5, 0))

    assert response.status_code == 403
    assert figures(other) == []


def test_another_schools_staff_find_no_such_page(client, other_teacher, programme, intake):
    client.force_login(other_teacher)
    address = url("programs:supply", programme.slug)

    assert client.get(address).status_code == 404
    assert client.post(address, entry(intake, YEAR, 14, 0)).status_code == 404
    assert figures(intake) == []


@pytest.mark.parametrize("person", ["student", "rep"])
def test_students_and_representatives_are_refused(client, request, person, programme, intake):
    client.force_login(request.getfixturevalue(person))
    address = url("programs:supply", programme.slug)

    assert client.get(address).status_code == 403
    assert client.post(address, entry(intake, YEAR, 14, 0)).status_code == 403
    assert figures(intake) == []


def test_a_visitor_is_asked_to_sign_in(client, programme, intake):
    address = url("programs:supply", programme.slug)

    for response in (client.get(address), client.post(address, entry(intake, YEAR, 14, 0))):
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    assert figures(intake) == []


def test_the_service_refuses_another_schools_staff(other_teacher, intake):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_supply(user=other_teacher, intake_id=intake.pk, year=YEAR, admitted=1, completed=0)
    assert figures(intake) == []


def test_a_lead_enters_figures_on_the_page_too(lead_client, lead, programme, intake):
    post(lead_client, url("programs:supply", programme.slug), entry(intake, YEAR, 12, 0))

    assert SupplyFigure.objects.get(current=True).entered_by == lead


def test_the_teachers_dashboard_links_their_schools_programmes(
    client, teacher, other_teacher, programme
):
    client.force_login(teacher)
    assert url("programs:supply", programme.slug) in client.get(url("dashboard")).content.decode()
    client.force_login(other_teacher)
    dashboard = client.get(url("dashboard")).content.decode()
    assert url("programs:supply", programme.slug) not in dashboard


def test_the_page_query_count_does_not_grow_with_history(
    client, teacher, programme, intake, django_assert_max_num_queries
):
    client.force_login(teacher)
    counts = []
    for _ in range(2):
        for year in (YEAR, YEAR + 1):
            SupplyFigure.objects.filter(intake=intake, year=year).update(current=False)
            SupplyFigureFactory.create_batch(3, intake=intake, year=year, current=False)
            SupplyFigureFactory(intake=intake, year=year)
        IntakeFactory(programme=programme, start_date=date(YEAR - len(counts) - 1, 8, 20))
        with django_assert_max_num_queries(8) as captured:
            assert client.get(url("programs:supply", programme.slug)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Admin ------------------------------------------------------------------------------------


def admin_add(client, intake, year, admitted, completed):
    return client.post(
        url("admin:programs_supplyfigure_add"),
        {"intake": intake.pk, "year": year, "admitted": admitted, "completed": completed},
    )


def test_a_lead_adds_a_figure_in_admin_and_the_previous_becomes_history(lead_client, lead, intake):
    SupplyFigureFactory(intake=intake, year=YEAR, admitted=10, completed=0)

    response = admin_add(lead_client, intake, YEAR, 14, 2)

    assert response.status_code == 302
    assert figures(intake) == [(YEAR, 10, 0, False), (YEAR, 14, 2, True)]
    assert SupplyFigure.objects.get(current=True).entered_by == lead


def test_admin_refuses_a_year_the_intake_does_not_run(lead_client, intake):
    response = admin_add(lead_client, intake, YEAR + 9, 14, 2)

    assert response.status_code == 200
    assert f"Välj ett år från {YEAR} till {YEAR + 3}" in response.content.decode()
    assert figures(intake) == []


def test_a_saved_figure_is_neither_edited_nor_deleted_in_admin(lead_client, intake):
    figure = SupplyFigureFactory(intake=intake, year=YEAR, admitted=10, completed=0)
    change = url("admin:programs_supplyfigure_change", figure.pk)

    assert lead_client.get(change).status_code == 200  # to read
    response = lead_client.post(
        change, {"intake": intake.pk, "year": YEAR, "admitted": 99, "completed": 0}
    )
    assert response.status_code == 403
    assert lead_client.post(url("admin:programs_supplyfigure_delete", figure.pk)).status_code == 403
    assert figures(intake) == [(YEAR, 10, 0, True)]


# --- At the same time -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_year_at_once_leave_one_current_figure(teacher, lead, intake):
    require(connection.vendor == "postgresql", "row locks between threads need PostgreSQL")

    def save(args):
        user, admitted = args
        return record_supply(
            user=user, intake_id=intake.pk, year=YEAR, admitted=admitted, completed=0
        )

    results = all_at_once(save, [(teacher, 14), (lead, 15), (teacher, 16), (lead, 17)])

    assert outcomes(results) == ["ok"] * 4
    assert SupplyFigure.objects.filter(intake=intake, year=YEAR).count() == 4
    assert SupplyFigure.objects.filter(intake=intake, year=YEAR, current=True).count() == 1
