"""The words a Swedish reader sees: official Swedish for decisions, allauth's uneven Swedish
replaced with the portal's, APL or LIA by the kind of education, dates in e-mail as on the
pages, and machine-readable times the HTML checker accepts."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from college_portal.activity.actions import ORGANISATION_DEACTIVATED
from college_portal.activity.services import log
from placements import services
from programs.models import CompetenceRequirement, Level
from tests.factories import OfferFactory, ProgrammeFactory, RequirementFactory, SlotFactory
from tests.helpers import page, url

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def text_of(response):
    return page(response).text


@pytest.mark.django_db
def test_a_rejected_requirement_reads_avslagen_never_avvisad(client, rep, company):
    requirement = RequirementFactory(
        organisation=company,
        status=CompetenceRequirement.Status.REJECTED,
        rejection_reason="Finns redan i kursen.",
    )
    client.force_login(rep)
    shown = text_of(client.get(url("programs:requirement_edit", requirement.pk)))
    assert "Avslagen" in shown
    assert "Skäl för avslag" in shown
    assert "Prioritet" in shown  # not "Vikt"
    assert "vvis" not in shown


@pytest.mark.django_db
def test_accepted_requirements_are_godkanda_on_the_report(client, lead):
    client.force_login(lead)
    shown = text_of(client.get(url("report")))
    assert "Godkända krav" in shown
    assert "Accepterade krav" not in shown
    # Column headers counting many are plural.
    assert "Genomförda" in shown
    assert "Accepterade" in shown


def test_no_swedish_catalogue_says_avvisa():
    """'Avvisa' means 'not examined at all' in official Swedish; the portal decides on its
    matters, so it 'avslår'. Checked over every Swedish string the portal can show."""
    from django.utils import translation

    with translation.override("sv"):
        catalogue = translation.trans_real.translation("sv")._catalog
        offending = [str(v) for _, v in catalogue.items() if "avvis" in str(v).lower()]
    assert offending == []


@pytest.mark.django_db
def test_login_and_signup_write_e_postadress(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        shown = text_of(client.get(url(name)))
        assert "Epost" not in shown and "epost" not in shown, name
    assert "E-post" in text_of(client.get(url("account_signup")))


@pytest.mark.django_db
def test_password_reset_mail_has_the_portal_greeting_not_the_host(
    client, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("account_reset_password"), {"email": student.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Hej från" not in body and "Hello from" not in body
    assert "testserver" not in body.split("http")[0]  # no host name as a greeting
    assert body.startswith("Hej!")
    assert "mailet" not in body and "Teknikcollege Stockholm" in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "level, term",
    [
        (Level.HIGHER_VOCATIONAL, "LIA (lärande i arbete, yrkeshögskola)"),
        (Level.UPPER_SECONDARY, "APL (arbetsplatsförlagt lärande)"),
        (Level.ADULT, "APL (arbetsplatsförlagt lärande)"),
    ],
)
def test_an_internship_is_called_lia_in_yh_and_apl_elsewhere(client, level, term):
    offer = OfferFactory()
    offer.programmes.add(ProgrammeFactory(level=level))
    shown = text_of(client.get(url("placements:offer_detail", offer.pk)))
    assert term in shown
    other = "APL (" if level == Level.HIGHER_VOCATIONAL else "LIA ("
    assert other not in shown


@pytest.mark.django_db
def test_a_study_visit_has_no_apl_or_lia_term(client):
    slot = SlotFactory()
    slot.offer.programmes.add(ProgrammeFactory(level=Level.HIGHER_VOCATIONAL))
    shown = text_of(client.get(url("placements:offer_detail", slot.offer.pk)))
    assert "LIA (" not in shown and "APL (" not in shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, written",
    [("sv", "onsdag 2 december 2026 09:00"), ("en", "Wednesday 2 December 2026 09:00")],
)
def test_a_booking_mail_writes_the_time_as_the_pages_do(
    student, language, written, django_capture_on_commit_callbacks, time_machine_free_slot
):
    student.language = language
    student.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.book(user=student, slot_id=time_machine_free_slot.pk)
    body = mail.outbox[-1].body
    assert written in body
    assert "2026-12-02" not in body
    html = mail.outbox[-1].alternatives[0][0]
    assert written in html


@pytest.fixture
def time_machine_free_slot(db):
    """A study-visit time on Wednesday 2 December 2026 at 09:00, Stockholm time."""
    starts = datetime(2026, 12, 2, 9, 0, tzinfo=STOCKHOLM)
    if starts <= timezone.now():
        pytest.skip("the fixed date has passed; move it forward")
    offer = OfferFactory(study_visit=True, application_deadline=None)
    return SlotFactory(offer=offer, starts_at=starts, ends_at=starts.replace(hour=11))


@pytest.mark.django_db
def test_machine_readable_times_have_at_most_seconds(client, lead, company):
    log(actor=lead, action=ORGANISATION_DEACTIVATED, obj=company, organisation=company)
    client.force_login(lead)
    html = client.get(url("activity:list")).content.decode()
    values = re.findall(r'<time datetime="([^"]+)"', html)
    assert values, "the activity list shows no times"
    for value in values:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", value), value
