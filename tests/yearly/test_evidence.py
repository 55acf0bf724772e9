"""The evidence under each criterion is computed for the report's year, from its dates: what
was valid, sat, started or happened then. A past year's figures stay as they were when this
year's data comes and changes."""

import pytest
from django.utils import timezone

from partners.models import Agreement, AgreementKind, OrganisationKind
from placements.models import ApplicationStatus, Offer
from programs.models import Intake
from tests.factories import ApplicationFactory, OfferFactory, OrganisationFactory
from tests.yearly.conftest import LAST_YEAR, THIS_YEAR, day, moment, report_tables, seat

pytestmark = pytest.mark.django_db

A = LAST_YEAR


def test_last_years_figures_are_those_of_its_dates(lead_client, two_years):
    tables = report_tables(lead_client, A)

    assert tables[f"Samverkansavtal som gällde under {A}"] == [
        ["LK Precision AB", "Företag", "Södertälje", "Samverkansavtal A", "", f"{A}-01-01", f"{A}-12-31"]
    ]  # fmt: skip
    assert tables[f"Styrgrupper {A} (reglerna: uppfyllda varje dag under året)"] == [
        ["Regionala styrgruppen", "Regional", "1", "1", "Ja", "Ja", "1"]
    ]
    assert tables[f"Styrgruppsmöten hållna {A}"] == [[f"{A}-03-15", "Regionala styrgruppen", "Nej"]]
    assert tables[f"Utbildningsstarter {A}"] == [
        ["Maskinoperatör A", "Täljegymnasiet", "Södertälje", "Gymnasieskola", f"{A}-08-20", "16"]
    ]
    assert tables[f"Kompetenskrav godkända till och med {A} och kurserna som täcker dem"] == [
        ["Maskinoperatör A", "2", "1", "1"]
    ]
    # Offers, places offered, filled, completed; the total below.
    assert tables[f"Praktikplatser {A}, per företag"] == [
        ["LK Precision AB", "1", "3", "2", "1"],
        ["Totalt", "1", "3", "2", "1"],
    ]
    # Times, places offered, visitors, confirmed bookings.
    assert tables[f"Studiebesök {A}, per värd"] == [
        ["LK Precision AB", "1", "20", "12", "1"],
        ["Totalt", "1", "20", "12", "1"],
    ]


def test_a_past_year_does_not_change_when_this_years_data_does(
    lead_client, company, school, regional_group
):
    from tests.yearly.conftest import evidence_of_year

    evidence_of_year(A, company=company, school=school, group=regional_group, tag="A")
    before = report_tables(lead_client, A)

    evidence_of_year(THIS_YEAR, company=company, school=school, group=regional_group, tag="B")
    # Last year's internship gets another student this year, and a late-published offer
    # claims last year's dates: neither was so at the end of last year.
    last_years_offer = Offer.objects.get(title="Praktik A")
    ApplicationFactory(offer=last_years_offer, status=ApplicationStatus.ACCEPTED)
    OfferFactory(
        organisation=company,
        title="Efterhandsregistrerad praktik",
        period_start=day(A, 9, 1),
        period_end=day(A, 10, 1),
    )
    after = report_tables(lead_client, A)

    assert after == before
    # This year counts this year's offer only (the late one's dates are last year's).
    assert report_tables(lead_client, THIS_YEAR)[f"Praktikplatser {THIS_YEAR}, per företag"][0] == [
        "LK Precision AB", "1", "3", "2", "1",
    ]  # fmt: skip


def test_agreements_count_where_their_validity_meets_the_year(
    lead_client, company, municipality, school
):
    Agreement.objects.create(organisation=municipality, title="Tills vidare", valid_from=day(A - 3, 1, 1))
    Agreement.objects.create(organisation=company, title="Slutade i fjol", valid_from=day(A - 2, 1, 1), valid_to=day(A - 1, 12, 31))
    Agreement.objects.create(organisation=company, title="Börjar i år", valid_from=day(A + 1, 1, 1))
    Agreement.objects.create(organisation=company, title="Sista dagen", valid_from=day(A - 1, 6, 1), valid_to=day(A, 1, 1))  # fmt: skip

    Agreement.objects.create(
        kind=AgreementKind.INTENT,
        organisation=company,
        counterparty=school,
        title="Avsiktsförklaring",
        valid_from=day(A, 1, 1),
    )

    tables = report_tables(lead_client, A)

    titles = [row[3] for row in tables[f"Samverkansavtal som gällde under {A}"]]
    assert titles == ["Sista dagen", "Tills vidare"]
    assert tables[f"Samverkansavtal som gällde under {A}"][1][6] == "Tills vidare"
    assert tables[f"Parter med giltigt avtal under {A}, per typ"] == [["Företag", "1"], ["Kommun", "1"]]


def test_the_steering_rule_must_hold_on_every_day_of_the_year(
    lead_client, company, company2, municipality, regional_group, local_group
):
    union = OrganisationFactory(name="IF Metall", kind=OrganisationKind.UNION)
    # Regional: a company chair and company majority until the end of June; then the second
    # company leaves and the municipality and the union outnumber the chair's company.
    seat(regional_group, company, chair=True, start=day(A - 1, 1, 1), name="Karin Berg")
    seat(regional_group, company2, start=day(A - 1, 1, 1), end=day(A, 6, 30), name="Jonas Ek")
    seat(regional_group, municipality, start=day(A - 1, 1, 1), name="Lena Kommun")
    seat(regional_group, union, start=day(A, 7, 1), name="Olle Facket")
    # Local: formed in March with a company chair and majority, kept all year after.
    seat(local_group, company, chair=True, start=day(A, 3, 1), name="Per Lind")
    seat(local_group, company2, start=day(A, 3, 1), name="Eva Fräs")
    seat(local_group, municipality, start=day(A, 3, 1), name="Kim Kommun")

    tables = report_tables(lead_client, A)

    assert tables[f"Styrgrupper {A} (reglerna: uppfyllda varje dag under året)"] == [
        ["Lokala styrgruppen Södertälje", "Lokal", "3", "2", "Ja", "Ja", "0"],
        ["Regionala styrgruppen", "Regional", "4", "2", "Nej", "Ja", "0"],
    ]
    members = tables[f"Styrgruppsledamöter under {A}"]
    assert ["Jonas Ek", "Regionala styrgruppen", "Huddinge Fräs AB", "Företag", "", f"{A - 1}-01-01", f"{A}-06-30"] in members  # fmt: skip
    # The year before, the regional group met the rule all year.
    before = report_tables(lead_client, A - 1)
    assert before[f"Styrgrupper {A - 1} (reglerna: uppfyllda varje dag under året)"] == [
        ["Regionala styrgruppen", "Regional", "3", "2", "Ja", "Ja", "0"],
    ]


def test_a_no_is_highlighted_as_a_criterion_not_met(lead_client, company, municipality, regional_group):
    from tests.helpers import page, url

    seat(regional_group, municipality, chair=True, start=day(A, 1, 1))
    seat(regional_group, company, start=day(A, 1, 1))

    document = page(lead_client.get(url("yearly:detail", A)))

    flagged = [badge.text for badge in document.find_all("strong", cls="badge-error")]
    assert flagged == ["Nej", "Nej"]  # no company majority (1 of 2), no company chair


def test_an_internship_without_dates_counts_in_the_year_it_was_published(lead_client, company):
    offer = OfferFactory(organisation=company, period_start=None, period_end=None, places=4)
    Offer.objects.filter(pk=offer.pk).update(published_at=moment(A, 9, 1))

    assert report_tables(lead_client, A)[f"Praktikplatser {A}, per företag"][0] == [
        "LK Precision AB", "1", "4", "0", "0",
    ]  # fmt: skip
    assert report_tables(lead_client, A - 1)[f"Praktikplatser {A - 1}, per företag"] == [
        ["Inget att visa ännu."]
    ]


def test_cancelled_study_visit_times_and_bookings_do_not_count(lead_client, company):
    from placements.models import BookingStatus, Slot
    from tests.factories import BookingFactory, SlotFactory

    visit = OfferFactory(organisation=company, study_visit=True)
    held = SlotFactory(offer=visit, starts_at=moment(A, 4, 2), ends_at=moment(A, 4, 2, 12))
    cancelled = SlotFactory(offer=visit, starts_at=moment(A, 5, 2), ends_at=moment(A, 5, 2, 12))
    Slot.objects.filter(pk=cancelled.pk).update(cancelled_at=moment(A, 4, 20))
    BookingFactory(slot=held, group_size=10)
    BookingFactory(slot=held, group_size=5, status=BookingStatus.CANCELLED)

    assert report_tables(lead_client, A)[f"Studiebesök {A}, per värd"][0] == [
        "LK Precision AB", "1", "20", "10", "1",
    ]  # fmt: skip


def test_seats_are_those_of_intakes_starting_in_the_year(lead_client, school):
    from tests.factories import IntakeFactory, ProgrammeFactory

    programme = ProgrammeFactory(provider=school, name="CNC-operatör")
    IntakeFactory(programme=programme, start_date=day(A, 1, 10), application_deadline=day(A - 1, 11, 1), seats=12)
    IntakeFactory(programme=programme, start_date=day(A, 8, 15), application_deadline=day(A, 5, 1), seats=20)
    IntakeFactory(programme=programme, start_date=day(A + 1, 1, 10), application_deadline=day(A, 11, 1), seats=99)  # fmt: skip

    tables = report_tables(lead_client, A)

    assert tables[f"Platser per utbildning, utbildningsstarter {A}"] == [["CNC-operatör", "32", "2"]]
    assert Intake.objects.count() == 3
    assert timezone.localdate().year >= THIS_YEAR
