"""Survey invitations and answers for tests, made as the job and the form would."""

from datetime import timedelta

from django.utils import timezone

from college_portal.surveys.models import SurveyAnswer, SurveyInvitation
from partners.models import hash_token


def make_survey_invitation(organisation, *, token="survey-token", expires_in_days=60, **extra):
    fields = {
        "event_kind": "placement",
        "event_key": f"placement:{token}",
        "person_key": f"email:{token}@example.org",
        "respondent_kind": "student",
        "email": f"{token}@example.org",
        "language": "sv",
        "event_date": timezone.localdate(),
        **extra,
    }
    return SurveyInvitation.objects.create(
        organisation=organisation,
        token_hash=hash_token(token),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
        **fields,
    )


def make_answers(count, *, organisation, programme=None, score=4, event_date=None, **extra):
    """`count` anonymous answers, all four questions at `score`."""
    return SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            event_kind="placement",
            respondent_kind="student",
            organisation=organisation,
            programme=programme,
            event_date=event_date or timezone.localdate(),
            expectations=score,
            learning=score,
            communication=score,
            recommend=score,
            **extra,
        )
        for _ in range(count)
    )
