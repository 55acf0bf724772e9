"""A person's assessments in their data export; a deleted account's name leaves the report
(live history and frozen snapshots), the texts stay."""

import pytest

from college_portal.accounts.personal_data import delete_account, export_personal_data
from college_portal.yearly.models import CriterionAssessment, FrozenReport
from college_portal.yearly.services import freeze_year, save_assessment
from tests.helpers import page, url
from tests.yearly.conftest import LAST_YEAR, day, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(rep, company, regional_group):
    seat(regional_group, company, user=rep, start=day(LAST_YEAR, 1, 1))
    return rep


def test_the_export_holds_the_assessments_one_wrote(member):
    save_assessment(year=LAST_YEAR, criterion=4, text="Behovet av CNC-operatörer växer.", user=member)

    data = export_personal_data(member)["yearly_report"]

    assert [(a["year"], a["criterion"], a["text"]) for a in data["assessments"]] == [
        (LAST_YEAR, 4, "Behovet av CNC-operatörer växer.")
    ]
    assert data["froze_years"] == []


def test_a_deleted_writer_is_no_longer_named_but_the_text_stays(lead_client, lead, member):
    save_assessment(year=LAST_YEAR, criterion=4, text="Behovet växer.", user=member)
    save_assessment(year=LAST_YEAR - 1, criterion=4, text="Första versionen.", user=member)
    save_assessment(year=LAST_YEAR - 1, criterion=4, text="Andra versionen.", user=lead)
    freeze_year(year=LAST_YEAR, user=lead)

    delete_account(user=member)

    assert not CriterionAssessment.objects.filter(written_by=member).exists()
    snapshot = FrozenReport.objects.get(year=LAST_YEAR).snapshot
    # (The steering group's member list keeps her seat: that is the group's record, not hers.)
    writers = [
        c["assessment"]["written_by"]
        for language in snapshot["languages"].values()
        for c in language["criteria"]
        if c["assessment"]
    ]
    assert writers == ["", ""]
    assert "karin@example.org" not in str(snapshot)
    frozen = page(lead_client.get(url("yearly:detail", LAST_YEAR))).find(id="criterion-4")
    assert frozen.find("div", cls="assessment").text == "Behovet växer."
    assert "Skriven av ett borttaget konto" in frozen.text
    live = page(lead_client.get(url("yearly:detail", LAST_YEAR - 1))).find(id="criterion-4")
    assert "Skriven av Anna Holm" in live.text
    assert "Första versionen." in live.find("details").text
    assert "Skriven av ett borttaget konto" in live.find("details").text
