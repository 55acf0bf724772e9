"""Freezing a year: a project lead confirms, the page then shows the stored snapshot in every
language, later changes to the data do not reach it, and its assessments are refused."""

import pytest

from college_portal.yearly.models import CriterionAssessment, FrozenReport
from college_portal.yearly.services import YearFrozen, freeze_year, save_assessment
from partners.models import Agreement
from programs.models import Intake
from tests.helpers import page, post, url
from tests.yearly.conftest import LAST_YEAR, THIS_YEAR, day, report_tables, seat

pytestmark = pytest.mark.django_db

A = LAST_YEAR


def test_freezing_needs_the_confirmation(lead_client, two_years):
    response = lead_client.post(url("yearly:freeze", A), {})

    assert response.status_code == 200
    summary = page(response).find("div", cls="error-summary")
    assert "Kryssa i rutan för att bekräfta att rapporten ska frysas." in summary.text
    assert not FrozenReport.objects.exists()


def test_a_frozen_year_keeps_its_figures_and_assessments(lead_client, lead, company, two_years):
    post(lead_client, url("yearly:assess", A, 2), {"c2-text": "Avtal med LK Precision."})
    before_sv = report_tables(lead_client, A)
    before_en = report_tables(lead_client, A, lang="en")

    frozen = post(lead_client, url("yearly:freeze", A), {"confirm": "on"})

    assert frozen.shown == [f"Rapporten för {A} är fryst: dess siffror och bedömningar ändras inte längre."]  # fmt: skip
    # Later, the data of that year changes: a new agreement valid then, more seats, another
    # steering-group member; and someone tries to change the assessment.
    Agreement.objects.create(organisation=company, title="Sent avtal", valid_from=day(A, 6, 1))
    Intake.objects.filter(start_date__year=A).update(seats=99)
    seat(company.steering_memberships.first().group, company, start=day(A, 2, 1), name="Ny ledamot")
    refused = post(lead_client, url("yearly:assess", A, 2), {"c2-text": "Ändrad i efterhand."})

    assert refused.shown == [
        f"Rapporten för {A} är fryst: dess bedömningar kan inte längre ändras. "
        "En projektledare kan låsa upp den i administrationen."
    ]
    assert report_tables(lead_client, A) == before_sv
    assert report_tables(lead_client, A, lang="en") == before_en
    document = page(lead_client.get(url("yearly:detail", A)))
    assert "Sent avtal" not in document.text and "99" not in document.text.split()
    section = document.find(id="criterion-2")
    assert section.find("div", cls="assessment").text == "Avtal med LK Precision."
    assert section.find("textarea") is None  # no form to write with
    assert "Fryst" in document.find("p", cls="report-status").text
    assert "Anna Holm" in document.find("p", cls="report-status").text
    assert document.find("form", cls="freeze-form") is None
    assert list(CriterionAssessment.objects.values_list("text", flat=True)) == ["Avtal med LK Precision."]
    # This year is not frozen: its figures follow the data (the late agreement runs on).
    assert "Sent avtal" in str(report_tables(lead_client, THIS_YEAR))


def test_the_service_refuses_an_assessment_for_a_frozen_year(lead):
    freeze_year(year=A, user=lead)

    with pytest.raises(YearFrozen):
        save_assessment(year=A, criterion=1, text="För sent.", user=lead)
    assert save_assessment(year=THIS_YEAR, criterion=1, text="I tid.", user=lead) is not None


def test_freezing_twice_says_it_is_already_frozen(lead_client, lead):
    freeze_year(year=A, user=lead)

    response = post(lead_client, url("yearly:freeze", A), {"confirm": "on"})

    assert response.shown == [f"Rapporten för {A} är redan fryst."]
    assert FrozenReport.objects.count() == 1


def test_the_snapshot_holds_every_language(lead, two_years):
    report = freeze_year(year=A, user=lead)

    assert set(report.snapshot["languages"]) == {"sv", "en"}
    sv_caption = report.snapshot["languages"]["sv"]["criteria"][1]["tables"][0]["caption"]
    en_caption = report.snapshot["languages"]["en"]["criteria"][1]["tables"][0]["caption"]
    assert sv_caption == f"Samverkansavtal som gällde under {A}"
    assert en_caption == f"Partnership agreements (samverkansavtal) valid during {A}"
    assert report.snapshot["frozen_by"] == "Anna Holm"


def test_a_lead_unfreezes_by_deleting_the_frozen_report_in_admin(lead_client, lead):
    frozen = freeze_year(year=A, user=lead)
    document = page(lead_client.get(url("yearly:detail", A)))
    link = document.find("a", href=url("admin:yearly_frozenreport_changelist"))
    assert link is not None and link.text == "administrationen"

    response = lead_client.post(
        url("admin:yearly_frozenreport_delete", frozen.pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not FrozenReport.objects.exists()
    assert page(lead_client.get(url("yearly:detail", A))).find("form", cls="freeze-form")
