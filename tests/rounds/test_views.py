"""The rounds' pages: who is refused, the students' ranking form, the result and its
explanation, the downloads (the input file re-run by `manage.py allocate`), fixed query counts."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from placements.rounds import services
from placements.rounds.models import Round, RoundStatus
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory
from tests.helpers import url

from .helpers import confirmed_student, make_round, open_round, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass(school, teacher):
    return [
        confirmed_student(school, teacher, full_name=f"Elev {n}", email=f"elev{n}@example.org")
        for n in range(1, 4)
    ]


@pytest.fixture
def offers(company, company2, rep, rep2):
    return [
        OfferFactory(organisation=company, title="CNC hos LK", places=1),
        OfferFactory(organisation=company2, title="Fräsning i Huddinge", places=1),
    ]


@pytest.fixture
def other_staff():
    school = OrganisationFactory(kind="school", name="Annan skola")
    return MembershipFactory(organisation=school, user__role="school_staff").user


def allocated(school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    for student in klass:
        rank(student, round_, offers[0], offers[1])
    return services.run_allocation(round_id=round_.pk, user=teacher)


def test_another_schools_staff_get_404_everywhere(
    client, school, teacher, klass, offers, other_staff
):
    round_ = allocated(school, teacher, klass, offers)
    client.force_login(other_staff)
    for name in ("rounds:detail", "rounds:inputs", "rounds:export"):
        assert client.get(url(name, round_.pk)).status_code == 404, name
    for name in ("rounds:allocate", "rounds:place", "rounds:open", "rounds:add_students"):
        assert client.post(url(name, round_.pk), {"confirm": "1"}).status_code == 404, name
    assert round_.pk not in [r.pk for r in client.get(url("rounds:list")).context["rounds"]]


def test_a_student_of_another_round_gets_404(client, school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass[:1], offers)
    client.force_login(klass[1])
    assert client.get(url("rounds:choose", round_.students.get().pk)).status_code == 404


def test_anonymous_is_sent_to_login(client, school, teacher):
    round_ = make_round(school, teacher)
    response = client.get(url("rounds:detail", round_.pk))
    assert response.status_code == 302 and url("account_login") in response["Location"]


def test_staff_create_a_round_with_the_form(client, school, teacher):
    client.force_login(teacher)
    response = client.post(
        url("rounds:create"),
        {
            "school": school.pk,
            "title": "APL ht TE24",
            "period_start": "2099-09-01",
            "period_end": "2099-08-01",
            "choices_allowed": "5",
            "choices_deadline": "2099-06-01",
            "confirmation_deadline": "2099-05-01",
        },
    )
    assert response.status_code == 200
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not Round.objects.exists()


def test_a_student_ranks_with_numbered_selects(client, school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    rs = round_.students.get(student=klass[0])
    a, b = (p.pk for p in round_.places.order_by("pk"))
    client.force_login(klass[0])
    page = client.get(url("rounds:choose", rs.pk)).content.decode()
    assert f'name="rank_{a}"' in page and "CNC hos LK" in page
    # Two places with the same rank: refused, with the reason, nothing saved.
    response = client.post(url("rounds:choose", rs.pk), {f"rank_{a}": "1", f"rank_{b}": "1"})
    assert "Ge varje plats en egen rangordning" in response.content.decode()
    assert not rs.choices.exists()
    response = client.post(
        url("rounds:choose", rs.pk),
        {f"rank_{a}": "2", f"rank_{b}": "1", f"motivation_{b}": "Jag bor i Huddinge."},
    )
    assert response.status_code == 302
    assert list(rs.choices.values_list("place", "rank", "motivation")) == [
        (b, 1, "Jag bor i Huddinge."),
        (a, 2, ""),
    ]
    # A rank above the round's number of choices is not among the select's options.
    Round.objects.filter(pk=round_.pk).update(choices_allowed=1)
    response = client.post(url("rounds:choose", rs.pk), {f"rank_{a}": "2"})
    assert response.status_code == 200 and rs.choices.count() == 2


def test_the_student_reads_why_not_a_higher_choice(client, school, teacher, klass, offers):
    round_ = allocated(school, teacher, klass, offers)
    loser = next(rs for rs in round_.students.all() if rs.allocation.explanation)
    client.force_login(loser.student)
    page = client.get(url("rounds:choose", loser.pk)).content.decode()
    assert "Varför inte en plats du rankade högre" in page
    assert "bättre lottnummer" in page
    client.force_login(loser.student)
    english = client.get(url("rounds:choose", loser.pk, lang="en")).content.decode()
    assert "drew a better lottery number" in english


def test_staff_allocate_only_with_the_confirmation_ticked(client, school, teacher, klass, offers):
    round_ = open_round(school, teacher, klass, offers)
    client.force_login(teacher)
    client.post(url("rounds:allocate", round_.pk), {})
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.OPEN
    client.post(url("rounds:allocate", round_.pk), {"confirm": "1"})
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.ALLOCATED


def test_downloaded_input_reproduces_the_matching(
    client, school, teacher, klass, offers, tmp_path, capsys
):
    round_ = allocated(school, teacher, klass, offers)
    client.force_login(teacher)
    response = client.get(url("rounds:inputs", round_.pk))
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) == {"students", "places"}
    assert all(sid.startswith("s") for sid in data["students"])
    assert "Elev" not in response.content.decode()  # pseudonymous
    path = tmp_path / "input.json"
    path.write_bytes(response.content)
    call_command("allocate", "--input", str(path))
    matching = json.loads(capsys.readouterr().out)["matching"]
    places = {pk: pid for pid, pk in round_.pseudonyms["places"].items()}
    for sid, rs_pk in round_.pseudonyms["students"].items():
        allocation = round_.students.get(pk=rs_pk).allocation
        assert matching[sid] == places.get(allocation.place_id)
    # The CSV: one row per student, the unplaced one said so.
    rows = list(
        csv.reader(
            io.StringIO(client.get(url("rounds:export", round_.pk)).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert len(rows) == 1 + 3
    assert sum(row[5] == "Utan plats" for row in rows[1:]) == 1


def test_statistics_on_the_round_page(client, school, teacher, klass, offers):
    round_ = allocated(school, teacher, klass, offers)
    client.force_login(teacher)
    page = client.get(url("rounds:detail", round_.pk)).content.decode()
    assert "1 av 3 fick sitt förstahandsval" in page
    assert "1 utan plats" in page
    # The unplaced student is placed by hand on a seat a company freed: the figures follow.
    lk = round_.places.get(offer=offers[0])
    taken = lk.allocations.get()
    services.decline_student(
        user=lk.offer.organisation.memberships.first().user, allocation_id=taken.pk
    )
    lonely = services.unplaced(round_).exclude(pk=taken.pk).get()
    services.place_by_hand(
        user=teacher, round_id=round_.pk, allocation_id=lonely.pk, place_id=lk.pk, reason="Nära"
    )
    page = client.get(url("rounds:detail", round_.pk)).content.decode()
    assert "1 av 3 fick sitt förstahandsval" in page  # the hand-placed student chose LK first
    assert "1 utan plats" in page  # the declined one


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_list_pages_take_a_fixed_number_of_queries(client, school, teacher, company, rep, rep2):
    small = [confirmed_student(school, teacher, email=f"a{n}@example.org") for n in range(2)]
    large = [confirmed_student(school, teacher, email=f"b{n}@example.org") for n in range(6)]
    offers = [OfferFactory(organisation=company, places=3) for _ in range(2)]
    one = open_round(school, teacher, small, offers[:1])
    two = open_round(school, teacher, large, offers)
    for round_, students in ((one, small), (two, large)):
        for student in students:
            rank(student, round_, *[p.offer for p in round_.places.all()])
        services.run_allocation(round_id=round_.pk, user=teacher)
    client.force_login(teacher)
    assert count_queries(client, url("rounds:detail", one.pk)) == count_queries(
        client, url("rounds:detail", two.pk)
    )
    client.force_login(rep)
    few = count_queries(client, url("rounds:company_places"))
    third = OfferFactory(organisation=company, places=1)
    services.add_offers(user=teacher, round_id=make_round(school, teacher).pk, offer_ids=[third.pk])
    assert count_queries(client, url("rounds:company_places")) == few
    client.force_login(teacher)
    lists = count_queries(client, url("rounds:list"))
    make_round(school, teacher)
    assert count_queries(client, url("rounds:list")) == lists


def test_the_dashboard_leads_each_person_to_their_round(
    client, school, teacher, klass, offers, rep
):
    round_ = open_round(school, teacher, klass, offers)
    client.force_login(klass[0])
    page = client.get(url("dashboard")).content.decode()
    assert url("rounds:choose", round_.students.get(student=klass[0]).pk) in page
    client.force_login(teacher)
    assert url("rounds:detail", round_.pk) in client.get(url("dashboard")).content.decode()
    client.force_login(rep)
    assert url("rounds:company_places") in client.get(url("dashboard")).content.decode()


def test_the_students_export_has_their_choices_and_deletion_erases_motivations(
    client, school, teacher, klass, offers
):
    from college_portal.accounts.personal_data import export_personal_data
    from placements.rounds.models import Choice

    round_ = open_round(school, teacher, klass, offers)
    rank(klass[0], round_, offers[0])
    data = export_personal_data(klass[0])["allocation_rounds"]
    assert data["choices"][0]["motivation"] == f"Jag vill till {offers[0].title}."
    from placements.rounds.personal_data import erase

    erase(klass[0])
    assert Choice.objects.get(round_student__student=klass[0]).motivation == ""


def test_a_company_ranks_its_applicants_on_its_page(client, school, teacher, klass, offers, rep2):
    round_ = open_round(school, teacher, klass, offers)
    for student in klass:
        rank(student, round_, offers[1])
    huddinge = round_.places.get(offer=offers[1])
    favourite = huddinge.choices.get(round_student__student=klass[2])
    client.force_login(rep2)
    page = client.get(url("rounds:company_places")).content.decode()
    assert f'name="rank_{favourite.pk}"' in page
    client.post(url("rounds:rank_applicants", huddinge.pk), {f"rank_{favourite.pk}": "x"})
    favourite.refresh_from_db()
    assert favourite.company_rank is None  # refused with a message, no 500
    client.post(url("rounds:rank_applicants", huddinge.pk), {f"rank_{favourite.pk}": "1"})
    favourite.refresh_from_db()
    assert favourite.company_rank == 1
    services.run_allocation(round_id=round_.pk, user=teacher)
    loser = round_.students.get(student=klass[0])
    client.force_login(klass[0])
    page = client.get(url("rounds:choose", loser.pk)).content.decode()
    assert "som företaget rangordnade högre" in page


def test_matching_as_xlsx(client, school, teacher, klass, offers):
    from openpyxl import load_workbook

    klass[0].full_name = "=HYPERLINK(\"http://evil\")"
    klass[0].save()
    round_ = allocated(school, teacher, klass, offers)
    client.force_login(teacher)
    response = client.get(url("rounds:export_xlsx", round_.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="round-{round_.pk}.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Studerande", "E-post")
    assert len(rows) == 1 + 3
    assert sum(row[5] == "Utan plats" for row in rows[1:]) == 1
    assert {row[3] for row in rows[1:]} >= {"CNC hos LK", "Fräsning i Huddinge"}
    # A name that looks like a formula stays text in the workbook.
    evil = next(c for c in sheet["A"] if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s"


def test_matching_xlsx_refused_to_other_schools_and_companies(
    client, school, teacher, klass, offers, other_staff, rep
):
    round_ = allocated(school, teacher, klass, offers)
    client.force_login(other_staff)
    assert client.get(url("rounds:export_xlsx", round_.pk)).status_code == 404
    client.force_login(rep)
    assert client.get(url("rounds:export_xlsx", round_.pk)).status_code in (403, 404)
    # Before the allocation there is no matching to download.
    fresh = make_round(school, teacher, title="Ny omgång")
    client.force_login(teacher)
    assert client.get(url("rounds:export_xlsx", fresh.pk)).status_code == 404
