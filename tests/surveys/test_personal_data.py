"""A person's survey invitations are in their export; deleting the account removes every link
from them to their answer (which stays, anonymous, for the index) and their unused links."""

import pytest

from college_portal.accounts.personal_data import delete_account, export_personal_data
from college_portal.surveys.models import SurveyAnswer, SurveyInvitation
from college_portal.surveys.services import submit_answer
from tests.helpers import url
from tests.surveys.helpers import make_survey_invitation

SCORES = {"expectations": 4, "learning": 5, "communication": 3, "recommend": 4}


@pytest.fixture
def answered(company, student):
    invitation = make_survey_invitation(
        company, token="done", recipient=student, email=student.email, person_key="x"
    )
    submit_answer(invitation_id=invitation.pk, scores=SCORES, comment="Bra")
    return invitation


@pytest.mark.django_db
def test_the_export_lists_the_persons_surveys(student, answered):
    data = export_personal_data(student)

    assert data["surveys"] == [
        {
            "event": "placement",
            "as": "student",
            "sent": answered.created_at.isoformat(),
            "answered": True,
        }
    ]


@pytest.mark.django_db
def test_deleting_the_account_cuts_the_link_keeps_the_anonymous_answer(
    client, company, student, answered
):
    open_link = make_survey_invitation(
        company, token="open", recipient=student, email=student.email, person_key="y"
    )

    delete_account(user=student)

    answered.refresh_from_db()
    assert answered.recipient is None and answered.email == ""
    assert answered.person_key == f"erased:{answered.pk}"
    assert not SurveyInvitation.objects.filter(pk=open_link.pk).exists()
    assert client.get(url("surveys:answer", "open")).status_code == 404
    assert SurveyAnswer.objects.get().learning == 5
