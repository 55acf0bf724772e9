"""Placements' e-mails through a real Celery worker on Redis: the company hears of a new
application and the student of the decision, each exactly once, also when the sending task is
queued again for the same notification (a retry, a relay, a redelivery after a crash).

The worker runs in a thread of this process (the project's own app, solo pool), so it sees the
test database and Django's in-memory mail outbox.
"""

import pytest
from django.core import mail

from college_portal.notifications.models import Notification
from college_portal.notifications.tasks import send_notification
from placements.models import Application, ApplicationStatus
from tests.helpers import url, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

MOTIVATION = "Jag vill lära mig köra en femaxlig fräs och läsa ritningar enligt ISO GPS."


def sent(kind, count):
    wait_until(
        lambda: Notification.objects.filter(kind=kind, sent_at__isnull=False).count() == count,
        what=f"{count} {kind} notification(s) sent",
    )
    return list(Notification.objects.filter(kind=kind))


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_application_received_reaches_each_representative_once(
    worker, finished, client, student, rep, colleague, offer
):
    client.force_login(student)

    response = client.post(url("placements:apply", offer.pk), {"motivation": MOTIVATION})

    assert response.status_code == 302
    application = Application.objects.get()
    rows = sent("application_received", 2)
    for person in (rep, colleague):
        [message] = mails_to(person.email)
        assert offer.title in message.subject
        assert url("placements:application_detail", application.pk) in message.body
    # The task queued again, for each row: nothing more is sent.
    for row in rows:
        state, outcome = finished(send_notification.delay(row.pk).id)
        assert (state, outcome) == ("SUCCESS", "already_done")
    assert len(mail.outbox) == 2
    assert [Notification.objects.get(pk=r.pk).attempts for r in rows] == [1, 1]


def test_decision_reaches_the_student_once(worker, finished, client, student, rep, offer):
    client.force_login(student)
    client.post(url("placements:apply", offer.pk), {"motivation": MOTIVATION})
    application = Application.objects.get()
    sent("application_received", 1)  # to Karin, the company's only representative here
    mail.outbox.clear()
    client.force_login(rep)

    response = client.post(
        url("placements:decide", application.pk),
        {"decision": "accept", "message": "Välkommen måndag kl. 7!"},
    )
    # Queued again at once, possibly before the worker has sent the first.
    row = Notification.objects.get(kind="application_decision")
    duplicates = [send_notification.delay(row.pk) for _ in range(2)]

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    sent("application_decision", 1)
    for duplicate in duplicates:
        assert finished(duplicate.id)[0] == "SUCCESS"
    [message] = mail.outbox
    assert message.to == [student.email]
    assert offer.title in message.subject
    assert "Välkommen måndag kl. 7!" in message.body
    assert Notification.objects.get(pk=row.pk).attempts == 1
    # And once more, after all that.
    assert finished(send_notification.delay(row.pk).id) == ("SUCCESS", "already_done")
    assert len(mail.outbox) == 1
