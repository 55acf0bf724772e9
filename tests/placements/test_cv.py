"""The CV a student attaches to an application: a real PDF of at most 5 MB, kept in private
storage outside the web root and handed out only to the applicant and the offer's company."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from placements.models import Application
from tests.factories import StudentProfileFactory
from tests.helpers import pdf_bytes, url

pytestmark = pytest.mark.django_db

MOTIVATION = "Jag vill lära mig ställa in en CNC-svarv och läsa ritningar enligt ISO GPS."


def apply_with(client, offer, content, name="cv.pdf", content_type="application/pdf"):
    return client.post(
        url("placements:apply", offer.pk),
        {"motivation": MOTIVATION, "cv": SimpleUploadedFile(name, content, content_type)},
    )


def cv_errors(response):
    return response.context["apply_form"].errors.as_data()["cv"]


@pytest.fixture
def applied(client, student, offer, private_dir, commit):
    client.force_login(student)
    with commit():
        response = apply_with(client, offer, pdf_bytes(pages=2))
    assert response.status_code == 302
    client.logout()
    return Application.objects.get(student=student, offer=offer)


def test_a_real_pdf_is_accepted_and_kept_in_private_storage(applied, private_dir):
    stored = Path(applied.cv.path)

    assert stored.read_bytes() == pdf_bytes(pages=2)
    assert stored.is_relative_to(private_dir)
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not (Path(settings.MEDIA_ROOT) / applied.cv.name).exists()
    # The stored name says nothing about the student's own file name.
    assert "cv.pdf" not in applied.cv.name


def test_the_cv_is_not_served_from_media(client, applied, rep):
    client.force_login(rep)

    assert client.get(settings.MEDIA_URL + applied.cv.name).status_code == 404


@pytest.mark.parametrize("who", ["student", "rep", "colleague"])
def test_applicant_and_the_offers_company_download_it(client, request, applied, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url("placements:application_cv", applied.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == pdf_bytes(pages=2)


@pytest.mark.parametrize("who", ["rep2", "student2", "teacher", None])
def test_nobody_else_gets_it(client, request, applied, school, who):
    # Elsa studies at the teacher's school: the teacher sees her application, not her CV.
    StudentProfileFactory(user=applied.student, school=school)
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get(url("placements:application_cv", applied.pk))

    if who is None:
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))
    else:
        assert response.status_code == 404


def test_a_renamed_program_is_refused(client, student, offer, private_dir):
    client.force_login(student)
    files_before = sorted(private_dir.rglob("*"))

    response = apply_with(client, offer, b"MZ\x90\x00\x03" + b"\x00" * 2000, name="cv.pdf")

    assert response.status_code == 400
    assert [e.code for e in cv_errors(response)] == ["not_pdf"]
    with translation.override("sv"):
        assert gettext("The file is not a PDF document.") in response.content.decode()
    assert not Application.objects.exists()
    assert sorted(private_dir.rglob("*")) == files_before


def test_a_file_over_5_mb_is_refused(client, student, offer, private_dir):
    client.force_login(student)
    big = pdf_bytes() + b"%" + b"0" * (5 * 1024 * 1024)

    response = apply_with(client, offer, big)

    assert response.status_code == 400
    assert [e.code for e in cv_errors(response)] == ["too_large"]
    assert "5,0" in response.content.decode() or "5.0" in response.content.decode()
    assert not Application.objects.exists()


def test_english_page_explains_in_english(client, student, offer, private_dir):
    client.force_login(student)

    response = client.post(
        url("placements:apply", offer.pk, lang="en"),
        {"motivation": MOTIVATION, "cv": SimpleUploadedFile("cv.pdf", b"MZ" + b"\0" * 100)},
    )

    assert "The file is not a PDF document." in response.content.decode()
    assert not Application.objects.exists()


def test_applying_without_a_cv_is_fine(client, student, offer, commit):
    client.force_login(student)

    with commit():
        response = client.post(url("placements:apply", offer.pk), {"motivation": MOTIVATION})

    application = Application.objects.get()
    assert response.status_code == 302
    assert not application.cv
    client.force_login(application.student)
    assert client.get(url("placements:application_cv", application.pk)).status_code == 404
