"""The weekly digest at county scale: this week's offers read once and matched in memory, so
its queries do not grow with the number of students, and the in-memory match says exactly
what the dashboard's query says."""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from college_portal.notifications.models import Notification
from placements.models import ApplicationStatus, BookingStatus, OfferKind
from placements.notifications import send_weekly_digests
from placements.selectors import DIGEST_OFFERS, WeeksOffers, matching_offers
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    OfferFactory,
    ProgrammeFactory,
    SlotFactory,
    StudentProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(company, company2):
    """Six new offers of two kinds, two programmes, two municipalities."""
    svarv, fras = ProgrammeFactory(name="Svarv"), ProgrammeFactory(name="Fräs")
    offers = []
    for i, (programme, municipality, visit) in enumerate(
        itertools.product([svarv, fras], ["Södertälje", "Huddinge"], [False, True])
    ):
        offer = OfferFactory(
            organisation=company if i % 2 else company2,
            municipality=municipality,
            programmes=[programme],
            study_visit=visit,
            title=f"Veckans erbjudande {i}",
        )
        if visit:
            SlotFactory(offer=offer)
        offers.append(offer)
    return {"svarv": svarv, "fras": fras, "offers": offers}


def students(count, week, first=0):
    """Students with every combination of preferences, some of whom already took an offer."""
    choices = itertools.cycle(
        itertools.product(
            [None, week["svarv"], week["fras"]],
            ["", "Södertälje", "Huddinge"],
            ["", OfferKind.INTERNSHIP, OfferKind.STUDY_VISIT],
        )
    )
    made = []
    for i in range(first, first + count):
        programme, municipality, kind = next(choices)
        user = UserFactory(email=f"veckoelev{i}@example.org")
        profile = StudentProfileFactory(
            user=user,
            digest=True,
            programme=programme,
            municipality=municipality,
            interest_kind=kind,
        )
        offer = week["offers"][i % len(week["offers"])]
        if i % 3 == 0:
            if offer.kind == OfferKind.INTERNSHIP:
                ApplicationFactory(offer=offer, student=user, status=ApplicationStatus.SUBMITTED)
            else:
                BookingFactory(
                    slot=offer.slots.first(), booked_by=user, status=BookingStatus.CONFIRMED
                )
        made.append(profile)
    return made


def test_the_in_memory_match_is_the_dashboard_query(week):
    profiles = students(30, week)
    since = timezone.now() - timedelta(days=7)
    weeks = WeeksOffers(since=since)

    for profile in profiles:
        assert [o.pk for o in weeks.for_profile(profile)] == [
            o.pk for o in matching_offers(profile).filter(published_at__gte=since)[:DIGEST_OFFERS]
        ], (profile.programme, profile.municipality, profile.interest_kind)


def test_the_digest_runs_the_same_queries_for_10_students_as_for_60(
    django_capture_on_commit_callbacks, week
):
    def queries_for(count):
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            sent = send_weekly_digests(now=timezone.now())
        return sent, len(queries)

    students(10, week)
    few = queries_for(10)
    students(50, week, first=10)
    many = queries_for(60)

    assert few[0] > 0 and many[0] > few[0]
    assert many[1] == few[1], (few, many)


def test_each_student_gets_one_digest_however_often_the_job_runs(commit, week):
    students(9, week)

    with commit():
        first = send_weekly_digests(now=timezone.now())
    with commit():
        send_weekly_digests(now=timezone.now())

    assert len(mail.outbox) == first == Notification.objects.filter(kind="offer_digest").count()
