"""Files go with their rows (after commit, through the storage), and the retention jobs: CVs of
applications that are over are erased after CV_RETENTION_DAYS, expired sessions are cleared.
Both jobs run as the scheduler and `manage.py run_job` run them."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from college_portal.accounts.personal_data import delete_account
from college_portal.scheduling import run_job
from partners.models import Agreement, Meeting, SteeringGroup
from placements.models import Application, ApplicationStatus
from placements.services import withdraw

from .factories import ApplicationFactory, OfferFactory
from .helpers import pdf_bytes, png_bytes, url

A = ApplicationStatus


def private():
    return storages["private"]


def stored_cv(application):
    application.cv.save("cv.pdf", ContentFile(pdf_bytes()))
    assert private().exists(application.cv.name)
    return application.cv.name


# --- files go with their rows ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_user_deleted_in_admin_takes_the_cv_with_it(client, world, lead):
    student = world["people"]["student"]
    name = world["application"].cv.name
    assert private().exists(name)
    client.force_login(lead)

    response = client.post(
        reverse("admin:accounts_user_delete", args=[student.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Application.objects.filter(pk=world["application"].pk).exists()  # the cascade
    assert not private().exists(name)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_delete_keeps_the_file(world):
    name = world["application"].cv.name

    with pytest.raises(RuntimeError), transaction.atomic():
        world["people"]["student"].delete()
        raise RuntimeError("something failed after the delete")

    assert Application.objects.filter(pk=world["application"].pk).exists()
    assert private().exists(name)


def test_account_deletion_erases_the_cv_after_commit(world, commit):
    name = world["application"].cv.name

    with commit():
        delete_account(user=world["people"]["student"])

    assert not private().exists(name)
    assert Application.objects.get(pk=world["application"].pk).cv == ""


def test_a_rolled_back_account_deletion_keeps_the_cv(world, commit):
    name = world["application"].cv.name

    with commit(), pytest.raises(RuntimeError), transaction.atomic():
        delete_account(user=world["people"]["student"])
        raise RuntimeError("something failed after the erasure")

    assert private().exists(name)
    assert Application.objects.get(pk=world["application"].pk).cv.name == name


def test_replacing_an_agreement_document_deletes_the_old_file(agreement, commit):
    old = agreement.document.name

    with commit():
        agreement.document.save("avtal-v2.pdf", ContentFile(pdf_bytes(pages=2)))

    assert not private().exists(old)
    assert private().exists(agreement.document.name)
    assert Agreement.objects.get(pk=agreement.pk).document.name == agreement.document.name


def logo_upload(name, size=(120, 60)):
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def test_replacing_and_removing_a_logo_on_the_profile_page(client, rep, company, commit):
    profile = url("partners:edit_profile", company.slug)
    client.force_login(rep)
    form = {"description": "Precision", "website": "https://lk.example"}
    client.post(profile, {**form, "logo": logo_upload("first.png")})
    company.refresh_from_db()
    first = company.logo.name
    assert default_storage.exists(first)

    with commit():
        client.post(profile, {**form, "logo": logo_upload("new.png", (80, 40))})

    company.refresh_from_db()
    assert not default_storage.exists(first)
    assert default_storage.exists(company.logo.name)
    second = company.logo.name

    with commit():
        client.post(profile, {**form, "remove_logo": "on"})

    assert not default_storage.exists(second)


def test_deleting_a_steering_group_takes_its_meetings_minutes(company, commit):
    group = SteeringGroup.objects.create(name="Regional styrgrupp", level="regional")
    meeting = Meeting(group=group, date="2026-03-01")
    meeting.minutes.save("protokoll.pdf", ContentFile(pdf_bytes()))
    name = meeting.minutes.name

    with commit():
        group.delete()

    assert not private().exists(name)


# --- the CV retention job -------------------------------------------------------------------


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def withdrawn(world):
    """Elsa withdraws from the open internship; her CV is stored."""
    application = ApplicationFactory(offer=world["open_offer"], student=world["people"]["student"])
    stored_cv(application)
    withdraw(student=application.student, application_id=application.pk)
    application.refresh_from_db()
    return application


def erase_job(commit):
    with commit():
        return run_job("erase-expired-cvs")


def test_a_withdrawn_cv_is_erased_after_the_retention_period(withdrawn, commit):
    name = withdrawn.cv.name
    Application.objects.filter(pk=withdrawn.pk).update(
        withdrawn_at=days_ago(settings.CV_RETENTION_DAYS + 1)
    )

    assert erase_job(commit) == {"erased": 1}

    withdrawn.refresh_from_db()
    assert withdrawn.cv == ""
    assert withdrawn.status == A.WITHDRAWN  # the row stays, for the statistics
    assert not private().exists(name)
    assert erase_job(commit) == {"erased": 0}  # repeating it does nothing


def test_a_recently_withdrawn_cv_is_kept(withdrawn, commit):
    Application.objects.filter(pk=withdrawn.pk).update(
        withdrawn_at=days_ago(settings.CV_RETENTION_DAYS - 1)
    )

    assert erase_job(commit) == {"erased": 0}

    withdrawn.refresh_from_db()
    assert private().exists(withdrawn.cv.name)


def test_a_pending_application_keeps_its_cv_however_old(world, student2, commit):
    waiting = ApplicationFactory(offer=world["open_offer"], student=student2)
    name = stored_cv(waiting)
    Application.objects.filter(pk=waiting.pk).update(submitted_at=days_ago(1000))
    wait_listed = ApplicationFactory(offer=world["draft"], student=student2, status=A.WAITLISTED)
    stored_cv(wait_listed)
    Application.objects.filter(pk=wait_listed.pk).update(submitted_at=days_ago(1000))

    assert erase_job(commit) == {"erased": 0}

    assert private().exists(name)
    assert private().exists(wait_listed.cv.name)


def test_decided_applications_lose_their_cv_after_the_period(world, student2, commit):
    old = days_ago(settings.CV_RETENTION_DAYS + 5)
    declined = ApplicationFactory(
        offer=world["open_offer"], student=student2, status=A.DECLINED, decided_at=old
    )
    completed = ApplicationFactory(
        offer=world["draft"], student=student2, status=A.COMPLETED, completed_at=old
    )
    ended = OfferFactory(
        organisation=world["company"],
        period_start=timezone.localdate(old) - timedelta(days=30),
        period_end=timezone.localdate(old),
    )
    accepted_over = ApplicationFactory(offer=ended, student=student2, status=A.ACCEPTED)
    running = OfferFactory(
        organisation=world["company"],
        period_start=timezone.localdate() - timedelta(days=400),
        period_end=timezone.localdate() + timedelta(days=10),
    )
    accepted_running = ApplicationFactory(
        offer=running, student=student2, status=A.ACCEPTED, decided_at=days_ago(400)
    )
    recent = ApplicationFactory(
        offer=OfferFactory(organisation=world["company"]),
        student=student2,
        status=A.DECLINED,
        decided_at=days_ago(3),
    )
    for application in (declined, completed, accepted_over, accepted_running, recent):
        stored_cv(application)
    gone = [declined.cv.name, completed.cv.name, accepted_over.cv.name]

    assert erase_job(commit) == {"erased": 3}

    assert not any(private().exists(name) for name in gone)
    for application in (declined, completed, accepted_over):
        application.refresh_from_db()
        assert application.cv == ""
    assert private().exists(accepted_running.cv.name)
    assert private().exists(recent.cv.name)


def test_the_retention_period_comes_from_the_settings(withdrawn, commit, settings):
    settings.CV_RETENTION_DAYS = 30
    Application.objects.filter(pk=withdrawn.pk).update(withdrawn_at=days_ago(40))

    assert erase_job(commit) == {"erased": 1}
    assert not private().exists(withdrawn.cv.name)


def test_an_erased_cv_is_no_longer_offered(client, withdrawn, commit):
    Application.objects.filter(pk=withdrawn.pk).update(withdrawn_at=days_ago(1000))
    erase_job(commit)
    client.force_login(withdrawn.student)

    response = client.get(url("placements:application_cv", withdrawn.pk))

    assert response.status_code == 404


# --- sessions -------------------------------------------------------------------------------


def make_session(expires_in):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["visited"] = True
    store.set_expiry(expires_in)
    store.create()
    return store.session_key


def test_expired_sessions_are_cleared_and_live_ones_stay(db):
    expired = make_session(-60)
    live = make_session(3600)

    call_command("run_job", "clear-expired-sessions")

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live).exists()


def test_both_retention_jobs_are_on_the_schedule():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "placements.tasks.erase_expired_cvs" in scheduled
    assert "college_portal.accounts.tasks.clear_expired_sessions" in scheduled
