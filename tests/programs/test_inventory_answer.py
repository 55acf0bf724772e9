"""The representative's answer page of a needs inventory: per competence area the people the
company expects to recruit within 1, 3 and 5 years, with a comment. One current answer per
company, area and round; saving again keeps the earlier answer as history and rewrites only
what changed; after the deadline or once closed the page is read-only. Only the asked
organisation's own members see and answer it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from partners.models import Organisation
from programs.inventory import save_answers
from programs.models import CompetenceArea, NeedAnswer
from tests.factories import MembershipFactory
from tests.helpers import page, post, sv, table_rows, url

from .inventory_data import answer, current_figures, form_data, make_areas, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    return make_areas(3)


@pytest.fixture
def inventory_round(company, company2, areas):
    return make_round([company, company2])


def answer_url(inventory_round, organisation, lang="sv"):
    return url("programs:inventory_answer", inventory_round.pk, organisation.slug, lang=lang)


def on_pages(day, lang="sv"):
    """A date as the pages write it ("15 januari 2027")."""
    with translation.override(lang):
        return formats.date_format(day, "j F Y")


def rows_shown(response):
    table = page(response).find("table")
    return [row[0] for row in table_rows(table)]


# --- Seeing the form ---------------------------------------------------------------------------


def test_representative_gets_a_row_per_active_area_at_the_rounds_address(
    client, rep, inventory_round, areas
):
    areas[2].active = False
    areas[2].save()
    client.force_login(rep)

    response = client.get(url("programs:inventory", inventory_round.pk))

    assert response.status_code == 200
    assert url("programs:inventory", inventory_round.pk).startswith("/sv/behovsinventering/")
    html = response.content.decode()
    assert "Behovsinventering 2026" in html
    assert "LK Precision AB" in html
    assert rows_shown(response) == ["CNC-svarvning", "CNC-fräsning"]
    assert f'name="area-{areas[0].pk}-within_1_year"' in html
    assert f'name="area-{areas[2].pk}-within_1_year"' not in html  # an inactive area is not asked
    # Each input is named for people using a screen reader: the area and the horizon.
    assert (
        f'<label class="visually-hidden" for="id_area-{areas[0].pk}-within_3_years">CNC-svarvning, inom 3 år</label>'
        in html
    )


def test_the_english_page_names_areas_in_english(client, rep, inventory_round):
    client.force_login(rep)

    response = client.get(answer_url(inventory_round, rep.memberships.get().organisation, "en"))

    assert response.status_code == 200
    assert rows_shown(response) == ["CNC turning", "CNC milling", "Measuring and quality"]
    assert "Within 3 years" in response.content.decode()


# --- Saving ------------------------------------------------------------------------------------


def test_saving_writes_one_current_answer_per_area(client, rep, company, inventory_round, areas):
    client.force_login(rep)
    data = form_data(
        {areas[0]: (2, 5, 8), areas[1]: (0, 1, 3), areas[2]: ("", "", "")},
        comments={areas[0]: "  Pensionsavgångar  "},
    )

    response = post(client, answer_url(inventory_round, company), data)

    assert response.status_code == 302
    assert response.shown == [
        sv("Thank you: your answer has been saved. You can change it until %(day)s.")
        % {"day": on_pages(inventory_round.deadline)}
    ]
    assert current_figures(inventory_round, company) == {
        "CNC-svarvning": (2, 5, 8, "Pensionsavgångar"),
        "CNC-fräsning": (0, 1, 3, ""),
        "Mätteknik och kvalitet": (0, 0, 0, ""),  # left empty: no need
    }
    assert NeedAnswer.objects.filter(answered_by=rep, current=True).count() == 3


def test_saving_again_keeps_the_earlier_answer_and_rewrites_only_what_changed(
    client, rep, colleague, company, inventory_round, areas
):
    client.force_login(rep)
    post(client, answer_url(inventory_round, company), form_data(
        {areas[0]: (2, 5, 8), areas[1]: (0, 1, 3), areas[2]: (0, 0, 0)}
    ))  # fmt: skip
    first = {a.area_id: a.pk for a in NeedAnswer.objects.all()}

    client.force_login(colleague)
    page_shown = client.get(answer_url(inventory_round, company))
    assert 'value="8"' in page_shown.content.decode()  # the colleague sees the saved figures
    post(client, answer_url(inventory_round, company), form_data(
        {areas[0]: (3, 6, 9), areas[1]: (0, 1, 3), areas[2]: (0, 0, 0)}
    ))  # fmt: skip

    history = NeedAnswer.objects.filter(area=areas[0]).order_by("answered_at", "pk")
    assert [(a.within_1_year, a.current, a.answered_by) for a in history] == [
        (2, False, rep),
        (3, True, colleague),
    ]
    # The unchanged areas keep their one row, as first saved.
    assert NeedAnswer.objects.get(area=areas[1]).pk == first[areas[1].pk]
    assert NeedAnswer.objects.get(area=areas[2]).pk == first[areas[2].pk]
    assert current_figures(inventory_round, company)["CNC-svarvning"] == (3, 6, 9, "")


def test_saving_nothing_new_writes_nothing(client, rep, company, inventory_round, areas):
    client.force_login(rep)
    data = form_data({areas[0]: (1, 1, 1), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)})
    post(client, answer_url(inventory_round, company), data)
    rows = NeedAnswer.objects.count()

    response = post(client, answer_url(inventory_round, company), data)

    assert response.shown == [sv("Nothing had changed: your answer stays as it was.")]
    assert NeedAnswer.objects.count() == rows == 3
    assert ActivityEntry.objects.filter(action=actions.INVENTORY_ANSWERED).count() == 1


def test_a_save_is_in_the_organisations_activity_log_without_personal_data(
    client, rep, company, inventory_round, areas
):
    client.force_login(rep)
    post(client, answer_url(inventory_round, company), form_data(
        {areas[0]: (2, 5, 8), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)}
    ))  # fmt: skip
    post(client, answer_url(inventory_round, company), form_data(
        {areas[0]: (3, 5, 8), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)}
    ))  # fmt: skip

    first, second = ActivityEntry.objects.filter(action=actions.INVENTORY_ANSWERED).order_by("pk")
    assert first.organisation_id == second.organisation_id == company.pk
    assert first.actor == rep
    assert first.object_repr == "Behovsinventering 2026 (2026)"
    assert second.data == {"CNC-svarvning": ["2/5/8", "3/5/8"]}
    assert "CNC-svarvning: 2/5/8 → 3/5/8" in second.details()


# --- Refusing figures --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        (
            (5, 3, 8),
            "within_3_years",
            "The need within 3 years includes the first year: it cannot be smaller than the "
            "need within 1 year (%(value)s).",
        ),
        (
            (1, 6, 4),
            "within_5_years",
            "The need within 5 years includes the first three: it cannot be smaller than the "
            "need within 3 years (%(value)s).",
        ),
    ],
)
def test_a_need_shrinking_with_the_horizon_is_a_form_error_and_saves_nothing(
    client, rep, company, inventory_round, areas, figures, field, message
):
    client.force_login(rep)
    data = form_data({areas[0]: (1, 2, 3), areas[1]: figures, areas[2]: (0, 0, 0)})

    response = client.post(answer_url(inventory_round, company), data)

    assert response.status_code == 400
    expected = sv(message) % {"value": figures[0] if field == "within_3_years" else figures[1]}
    html = response.content.decode()
    document = page(response)
    errors = document.find("div", id=f"id_area-{areas[1].pk}-{field}_error")
    assert errors is not None and expected in errors.text
    summary = document.find("div", cls="error-summary")
    link = summary.find("a")
    assert link.attrs["href"] == f"#id_area-{areas[1].pk}-{field}"
    assert link.text.startswith("CNC-fräsning")
    assert 'aria-invalid="true"' in html
    # What was typed is still there to correct.
    assert f'name="area-{areas[1].pk}-within_1_year" value="{figures[0]}"' in html
    assert not NeedAnswer.objects.exists()


def test_the_rule_reads_in_english_on_the_english_page(
    client, rep, company, inventory_round, areas
):
    client.force_login(rep)
    data = form_data({areas[0]: (5, 3, 8), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)})

    response = client.post(answer_url(inventory_round, company, "en"), data)

    assert response.status_code == 400
    assert (
        "The need within 3 years includes the first year: it cannot be smaller than the need "
        "within 1 year (5)." in response.content.decode()
    )


@pytest.mark.parametrize("typed", ["-1", "tre", "1.5", "100001", "9" * 400, "1e3"])
def test_what_is_not_a_whole_number_in_range_is_refused_without_a_server_error(
    client, rep, company, inventory_round, areas, typed
):
    client.force_login(rep)
    data = form_data({areas[0]: (typed, 3, 8), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)})

    response = client.post(answer_url(inventory_round, company), data)

    assert response.status_code == 400
    assert page(response).find("div", id=f"id_area-{areas[0].pk}-within_1_year_error")
    assert not NeedAnswer.objects.exists()


def test_a_comment_longer_than_2000_characters_is_refused(
    client, rep, company, inventory_round, areas
):
    client.force_login(rep)
    data = form_data(
        {areas[0]: (1, 2, 3), areas[1]: (0, 0, 0), areas[2]: (0, 0, 0)},
        comments={areas[0]: "x" * 2001},
    )

    assert client.post(answer_url(inventory_round, company), data).status_code == 400
    assert not NeedAnswer.objects.exists()


def test_an_area_missing_from_the_post_is_not_answered(
    client, rep, company, inventory_round, areas
):
    """An area added after the page was shown has no inputs in the post."""
    client.force_login(rep)

    post(client, answer_url(inventory_round, company), form_data({areas[0]: (1, 2, 3)}))

    assert current_figures(inventory_round, company) == {"CNC-svarvning": (1, 2, 3, "")}


# --- After the deadline ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["deadline passed", "closed"])
def test_after_the_deadline_or_once_closed_the_page_is_read_only(
    client, rep, company, company2, areas, how
):
    if how == "closed":
        inventory_round = make_round([company], closed_at=timezone.now())
        message = sv("This inventory has been closed: the answers can no longer be changed.")
    else:
        inventory_round = make_round([company], deadline=timezone.localdate() - timedelta(days=1))
        message = sv(
            "The last day to answer was %(deadline)s: the answers can no longer be changed."
        ) % {"deadline": on_pages(inventory_round.deadline)}
    answer(inventory_round, company, areas[0], (2, 5, 8), comment="Två svarvare")
    client.force_login(rep)

    response = client.get(answer_url(inventory_round, company))

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "need-form" not in html and "within_1_year" not in html  # no form to fill in
    table = page(response).find("table")
    assert table_rows(table) == [
        ["CNC-svarvning", "2", "5", "8", "Två svarvare"],
        ["CNC-fräsning", "–", "–", "–", sv("Not answered")],
        ["Mätteknik och kvalitet", "–", "–", "–", sv("Not answered")],
    ]

    refused = post(client, answer_url(inventory_round, company), form_data({areas[0]: (9, 9, 9)}))

    assert refused.status_code == 302
    assert refused.shown == [message]
    assert current_figures(inventory_round, company) == {"CNC-svarvning": (2, 5, 8, "Två svarvare")}


def test_the_deadline_day_itself_still_takes_answers(client, rep, company, areas):
    inventory_round = make_round([company], days_left=0)
    client.force_login(rep)

    post(client, answer_url(inventory_round, company), form_data({areas[0]: (1, 2, 3)}))

    assert current_figures(inventory_round, company) == {"CNC-svarvning": (1, 2, 3, "")}


def test_the_service_refuses_a_round_closed_while_the_form_was_open(rep, company, areas):
    inventory_round = make_round([company], closed_at=timezone.now())
    figures = {"within_1_year": 1, "within_3_years": 2, "within_5_years": 3, "comment": ""}

    with pytest.raises(ValidationError):
        save_answers(
            user=rep,
            round_id=inventory_round.pk,
            organisation_id=company.pk,
            answers={areas[0].pk: figures},
        )
    assert not NeedAnswer.objects.exists()


# --- Who may see and answer -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["programs:inventory", "programs:inventory_answer"])
def test_another_companys_representative_gets_404(client, rep2, company, areas, name):
    inventory_round = make_round([company])  # company2 is not asked
    client.force_login(rep2)
    args = [inventory_round.pk] + ([company.slug] if name == "programs:inventory_answer" else [])

    assert client.get(url(name, *args)).status_code == 404
    assert client.post(url(name, *args), form_data({areas[0]: (1, 2, 3)})).status_code == 404
    assert not NeedAnswer.objects.exists()


def test_an_asked_companys_representative_cannot_answer_for_another_asked_company(
    client, rep2, company, company2, inventory_round, areas
):
    client.force_login(rep2)

    response = client.post(answer_url(inventory_round, company), form_data({areas[0]: (1, 2, 3)}))

    assert response.status_code == 404
    assert client.get(answer_url(inventory_round, company2)).status_code == 200
    assert not NeedAnswer.objects.exists()


@pytest.mark.parametrize("person", ["student", "teacher", "lead"])
def test_students_school_staff_and_leads_are_refused(
    client, request, company, inventory_round, areas, person
):
    client.force_login(request.getfixturevalue(person))

    assert client.get(answer_url(inventory_round, company)).status_code == 403
    assert client.get(url("programs:inventory", inventory_round.pk)).status_code == 403
    assert (
        client.post(
            answer_url(inventory_round, company), form_data({areas[0]: (1, 2, 3)})
        ).status_code
        == 403
    )
    assert not NeedAnswer.objects.exists()


def test_a_visitor_is_asked_to_sign_in(client, company, inventory_round):
    response = client.get(answer_url(inventory_round, company))

    assert response.status_code == 302
    assert response["Location"].startswith(url("account_login"))


def test_a_deactivated_organisations_members_no_longer_answer(
    client, rep, company, inventory_round, areas
):
    Organisation.objects.filter(pk=company.pk).update(active=False)
    client.force_login(rep)

    assert client.get(answer_url(inventory_round, company)).status_code == 404


def test_the_service_refuses_someone_not_acting_for_the_organisation(
    rep2, company, inventory_round, areas
):
    figures = {"within_1_year": 1, "within_3_years": 2, "within_5_years": 3, "comment": ""}

    with pytest.raises(PermissionDenied):
        save_answers(
            user=rep2,
            round_id=inventory_round.pk,
            organisation_id=company.pk,
            answers={areas[0].pk: figures},
        )


def test_a_member_of_two_asked_companies_chooses_which_to_answer_for(
    client, rep, company, company2, inventory_round, areas
):
    MembershipFactory(organisation=company2, user=rep)
    client.force_login(rep)

    response = client.get(url("programs:inventory", inventory_round.pk))

    assert response.status_code == 200
    links = page(response).find("ul", cls="link-list").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in links] == [
        ("Huddinge Fräs AB", answer_url(inventory_round, company2)),
        ("LK Precision AB", answer_url(inventory_round, company)),
    ]
    post(client, answer_url(inventory_round, company2), form_data({areas[0]: (1, 1, 1)}))
    assert current_figures(inventory_round, company2) == {"CNC-svarvning": (1, 1, 1, "")}
    assert current_figures(inventory_round, company) == {}


# --- The database's own rule ----------------------------------------------------------------


def test_the_database_holds_one_current_answer_per_company_area_and_round(
    company, inventory_round, areas
):
    answer(inventory_round, company, areas[0])
    answer(inventory_round, company, areas[0], current=False)  # history is fine

    with pytest.raises(IntegrityError), transaction.atomic():
        answer(inventory_round, company, areas[0])


# --- Queries ------------------------------------------------------------------------------------


def test_the_page_runs_the_same_queries_with_3_areas_as_with_15(
    client, rep, company, django_assert_max_num_queries
):
    def measure(count):
        NeedAnswer.objects.all().delete()
        CompetenceArea.objects.all().delete()
        areas = make_areas(count)
        inventory_round = make_round([company], title=f"Runda {count}")
        for area in areas:
            answer(inventory_round, company, area, (1, 2, 3), current=False)
            answer(inventory_round, company, area, (2, 3, 4), answered_by=rep)
        client.force_login(rep)
        with django_assert_max_num_queries(50) as captured:
            response = client.get(answer_url(inventory_round, company))
        assert response.status_code == 200
        assert len(rows_shown(response)) == count
        return len(captured.captured_queries)

    few = measure(3)
    assert measure(15) == few


@pytest.mark.parametrize("figures", [(5, 3, 8), (1, 6, 4), (-1, 0, 0), (0, 0, 100_001)])
def test_the_service_refuses_figures_breaking_the_rule_whatever_the_form_let_through(
    rep, company, inventory_round, areas, figures
):
    one, three, five = figures
    need = {"within_1_year": one, "within_3_years": three, "within_5_years": five, "comment": ""}

    with pytest.raises(ValidationError):
        save_answers(
            user=rep,
            round_id=inventory_round.pk,
            organisation_id=company.pk,
            answers={areas[0].pk: need},
        )
    assert not NeedAnswer.objects.exists()
