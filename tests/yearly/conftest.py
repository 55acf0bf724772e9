"""Fixtures of the yearly report's tests: a year's worth of evidence, made for any year."""

import datetime

import pytest
from django.utils import timezone, translation

from partners.models import Agreement, Meeting, OrganisationKind, SteeringGroup, SteeringGroupMember
from placements.models import Application, ApplicationStatus, Offer
from programs.models import CompetenceRequirement, Programme
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    IntakeFactory,
    OfferFactory,
    OrganisationFactory,
    RequirementFactory,
    SlotFactory,
    programme_with_courses,
)

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


@pytest.fixture(autouse=True)
def swedish_by_default():
    """reverse() gives the default language's URLs, whatever an earlier test's request left active."""
    with translation.override("sv"):
        yield


def day(year, month, dom):
    return datetime.date(year, month, dom)


def moment(year, month, dom, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, dom, hour))


@pytest.fixture
def municipality(db):
    return OrganisationFactory(name="Södertälje kommun", kind=OrganisationKind.MUNICIPALITY)


@pytest.fixture
def regional_group(db):
    return SteeringGroup.objects.create(name="Regionala styrgruppen", level="regional")


@pytest.fixture
def local_group(db):
    return SteeringGroup.objects.create(
        name="Lokala styrgruppen Södertälje", level="local", municipality="Södertälje"
    )


def seat(group, organisation, *, user=None, chair=False, start, end=None, name=None):
    return SteeringGroupMember.objects.create(
        group=group,
        person_name=name or (user.full_name if user else f"Ledamot för {organisation}"),
        user=user,
        organisation=organisation,
        is_chair=chair,
        from_date=start,
        to_date=end,
    )


def evidence_of_year(year, *, company, school, group, tag):
    """One of everything the report counts, all in `year`, named with `tag`."""
    Agreement.objects.create(
        organisation=company,
        title=f"Samverkansavtal {tag}",
        valid_from=day(year, 1, 1),
        valid_to=day(year, 12, 31),
    )
    seat(group, company, chair=True, start=day(year, 1, 1), end=day(year, 12, 31), name=f"Ordf {tag}")
    Meeting.objects.get_or_create(group=group, date=day(year, 3, 15))
    programme, courses = programme_with_courses(
        [f"Svarvning {tag}", f"Fräsning {tag}"], provider=school, name=f"Maskinoperatör {tag}"
    )
    Programme.objects.filter(pk=programme.pk).update(created_at=moment(year, 1, 2))
    IntakeFactory(
        programme=programme,
        start_date=day(year, 8, 20),
        application_deadline=day(year, 5, 1),
        seats=16,
    )
    requirement = RequirementFactory(
        organisation=company, title=f"Krav {tag}", programmes=[programme], covered_by=[courses[0]]
    )
    RequirementFactory(organisation=company, title=f"Lucka {tag}", programmes=[programme])
    CompetenceRequirement.objects.filter(programmes=programme).update(
        decided_at=moment(year, 2, 1)
    )
    offer = OfferFactory(
        organisation=company,
        title=f"Praktik {tag}",
        places=3,
        application_deadline=day(year, 4, 1),
        period_start=day(year, 5, 1),
        period_end=day(year, 6, 30),
    )
    Offer.objects.filter(pk=offer.pk).update(published_at=moment(year, 3, 1))
    ApplicationFactory(
        offer=offer,
        status=ApplicationStatus.ACCEPTED,
        submitted_at=moment(year, 3, 20),
        decided_at=moment(year, 4, 2),
    )
    done = ApplicationFactory(offer=offer, submitted_at=moment(year, 3, 21))
    Application.objects.filter(pk=done.pk).update(
        status=ApplicationStatus.COMPLETED,
        decided_at=moment(year, 4, 2),
        completed_at=moment(year, 6, 30),
    )
    visit = OfferFactory(organisation=company, study_visit=True, title=f"Studiebesök {tag}")
    slot = SlotFactory(
        offer=visit, capacity=20, starts_at=moment(year, 10, 5), ends_at=moment(year, 10, 5, 12)
    )
    BookingFactory(slot=slot, group_size=12)
    return requirement


@pytest.fixture
def two_years(company, school, regional_group):
    """Evidence of last year (tagged A) and of this year (tagged B)."""
    evidence_of_year(LAST_YEAR, company=company, school=school, group=regional_group, tag="A")
    evidence_of_year(THIS_YEAR, company=company, school=school, group=regional_group, tag="B")


def report_tables(client, year, lang="sv"):
    """{caption: rows} of every table of a year's report page, as the reader sees them."""
    from tests.helpers import page, table_rows, url

    response = client.get(url("yearly:detail", year, lang=lang))
    assert response.status_code == 200
    document = page(response)
    return {
        table.find("caption").text: table_rows(table)
        for table in document.find_all("table")
    }
