"""Answering a survey through its link: no sign-in, once, in the invitation's language, with
errors in the user's language; unknown links 404, expired and used ones 410."""

import re

import pytest
from django.db import connection

from college_portal.surveys.models import SurveyAnswer, SurveyInvitation
from college_portal.surveys.services import SurveyClosed, submit_answer
from tests.conftest import require
from tests.helpers import all_at_once, outcomes, page, url
from tests.surveys.helpers import make_survey_invitation

ANSWER = {
    "expectations": "5",
    "learning": "4",
    "communication": "3",
    "recommend": "5",
    "comment": "Bra handledare, men för lite tid i CNC-svarven.",
}


@pytest.fixture
def invitation(company, world):
    return make_survey_invitation(
        company, token="tok", programme=world["programme"], respondent_kind="supervisor"
    )


@pytest.mark.django_db
def test_the_form_asks_four_questions_on_a_labelled_scale_without_sign_in(client, invitation):
    response = client.get(url("surveys:answer", "tok"))

    assert response.status_code == 200
    html = response.content.decode()
    document = page(response)
    legends = [legend.text for legend in document.find_all("legend")]
    assert "Kommunikationen med skolan fungerade bra." in legends
    assert len(legends) == 4
    assert html.count('type="radio"') == 20
    assert "5 – Instämmer helt" in html
    assert "LK Precision AB" in html
    assert '<label for="id_comment">' in html


@pytest.mark.django_db
def test_an_answer_is_saved_anonymously_and_thanks(client, invitation, world):
    response = client.post(url("surveys:answer", "tok"), ANSWER)

    assert response.status_code == 302
    assert response["Location"] == url("surveys:thanks")
    assert "Tack" in client.get(response["Location"]).content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.expectations, answer.learning, answer.communication, answer.recommend) == (
        5,
        4,
        3,
        5,
    )
    assert answer.respondent_kind == "supervisor"
    assert answer.organisation == world["company"]
    assert answer.programme == world["programme"]
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


@pytest.mark.django_db
def test_a_second_answer_changes_nothing_and_says_it_was_answered(client, invitation):
    client.post(url("surveys:answer", "tok"), ANSWER)

    again = client.post(url("surveys:answer", "tok"), {**ANSWER, "expectations": "1"})
    shown = client.get(url("surveys:answer", "tok"))

    assert again.status_code == shown.status_code == 410
    assert "redan besvarats" in shown.content.decode()
    assert SurveyAnswer.objects.get().expectations == 5


@pytest.mark.django_db
def test_missing_answers_re_render_with_errors_and_nothing_is_saved(client, invitation):
    response = client.post(url("surveys:answer", "tok"), {"expectations": "4", "learning": "9"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Det finns ett problem" in html
    assert html.count("Välj ett svar från 1 till 5.") >= 3
    # The summary names each statement without its full stop before the colon.
    assert ".: Välj" not in html and ": Välj ett svar från 1 till 5." in html
    assert re.search(r'name="expectations" value="4"[^>]*checked', html)  # kept
    assert not SurveyAnswer.objects.exists()
    assert SurveyInvitation.objects.get().answered_at is None


@pytest.mark.django_db
def test_errors_in_english_under_the_english_prefix(client, invitation):
    response = client.post(url("surveys:answer", "tok", lang="en"), {})

    assert response.status_code == 200
    assert "Choose an answer from 1 to 5." in response.content.decode()
    assert "The placement met our expectations." in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_link_is_404_and_an_expired_one_410(client, company):
    make_survey_invitation(company, token="old", expires_in_days=-1)

    unknown = client.get(url("surveys:answer", "not-a-token"))
    expired = client.get(url("surveys:answer", "old"))
    expired_post = client.post(url("surveys:answer", "old"), ANSWER)

    assert unknown.status_code == 404
    assert expired.status_code == expired_post.status_code == 410
    assert "har gått ut" in expired.content.decode()
    assert not SurveyAnswer.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_second_answer(invitation):
    scores = {"expectations": 3, "learning": 3, "communication": 3, "recommend": 3}
    submit_answer(invitation_id=invitation.pk, scores=scores, comment="")

    with pytest.raises(SurveyClosed):
        submit_answer(invitation_id=invitation.pk, scores=scores, comment="")
    assert SurveyAnswer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_make_one(company):
    require(connection.vendor == "postgresql", "concurrency tests need PostgreSQL (row locks)")
    invitation = make_survey_invitation(company, token="race")
    scores = {"expectations": 4, "learning": 4, "communication": 4, "recommend": 4}

    results = all_at_once(
        lambda comment: submit_answer(invitation_id=invitation.pk, scores=scores, comment=comment),
        ["first", "second", "third", "fourth"],
        refused=(SurveyClosed,),
    )

    assert outcomes(results) == ["ok", "refused", "refused", "refused"], results
    assert SurveyAnswer.objects.count() == 1
