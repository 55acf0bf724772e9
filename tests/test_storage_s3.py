"""Media on several hosts: with S3_BUCKET set, uploads go to an S3-compatible bucket (here a
local S3 server, moto's server mode, started by the tests), nothing in it is public, and the
portal's own views stream each file from the bucket after checking who asks."""

import re
import runpy
from pathlib import Path

import boto3
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from college_portal.storage import S3Storage
from college_portal.uploads import private_storage
from placements.models import Application
from tests.factories import OfferFactory
from tests.helpers import pdf_bytes, png_bytes, url

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-north-1"
BUCKET = "portal-media"
PRIVATE_BUCKET = "portal-private"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="portal-key",
        aws_secret_access_key="portal-secret",
        region_name=REGION,
    )


def keys(client, bucket):
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def production_storages(monkeypatch, **env):
    """STORAGES as college_portal/settings.py builds it from these environment variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "college_portal" / "settings.py"))["STORAGES"]


@pytest.fixture(params=["prefix", "bucket"])
def s3(request, s3_endpoint, monkeypatch, settings):
    """The portal on S3: private files under private/ of the one bucket, or in a bucket of
    their own. Gives (boto3 client, bucket of private files, prefix of private files)."""
    client = s3_client(s3_endpoint)
    separate = request.param == "bucket"
    for bucket in (BUCKET, PRIVATE_BUCKET):
        for key in keys(client, bucket) if bucket in _buckets(client) else []:
            client.delete_object(Bucket=bucket, Key=key)
        if bucket not in _buckets(client):
            client.create_bucket(
                Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
    env = {
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_ACCESS_KEY_ID": "portal-key",
        "S3_SECRET_ACCESS_KEY": "portal-secret",
        "S3_REGION": REGION,
    }
    if separate:
        env["S3_PRIVATE_BUCKET"] = PRIVATE_BUCKET
    built = production_storages(monkeypatch, **env)
    settings.STORAGES = {**settings.STORAGES, "default": built["default"], "private": built["private"]}
    # The private fields took their storage when the models were built (at start-up in
    # production, where S3 is set before): give them the S3 one as start-up would.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and (
                getattr(field, "_storage_callable", None) is private_storage
            ):
                monkeypatch.setattr(field, "storage", storages["private"])
    assert isinstance(storages["private"], S3Storage)
    return client, (PRIVATE_BUCKET if separate else BUCKET), ("" if separate else "private/")


def _buckets(client):
    return {b["Name"] for b in client.list_buckets()["Buckets"]}


def public_grants(client, bucket, key):
    return [
        grant
        for grant in client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        if grant["Grantee"].get("URI", "").endswith(("AllUsers", "AuthenticatedUsers"))
    ]


@pytest.mark.django_db
def test_a_cv_sent_with_the_application_form_lands_in_the_bucket_and_only_its_people_get_it(
    client, s3, student, student2, rep, company, commit
):
    s3_client, bucket, prefix = s3
    offer = OfferFactory(organisation=company)
    client.force_login(student)

    with commit():
        response = client.post(
            url("placements:apply", offer.pk),
            {
                "motivation": "Jag vill lära mig fleroperationsmaskiner.",
                "cv": SimpleUploadedFile("mitt-cv.pdf", pdf_bytes(pages=2), "application/pdf"),
            },
        )

    assert response.status_code == 302
    application = Application.objects.get(student=student, offer=offer)
    # In the bucket, under the private prefix or in the private bucket; nothing public.
    assert keys(s3_client, bucket) == [prefix + application.cv.name]
    assert keys(s3_client, BUCKET) == ([prefix + application.cv.name] if prefix else [])
    assert public_grants(s3_client, bucket, prefix + application.cv.name) == []
    stored = s3_client.get_object(Bucket=bucket, Key=prefix + application.cv.name)
    assert stored["Body"].read() == pdf_bytes(pages=2)

    # The applicant downloads it through the portal, streamed from the bucket.
    response = client.get(url("placements:application_cv", application.pk))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == pdf_bytes(pages=2)
    # So does the company; another student gets nothing.
    client.force_login(rep)
    assert client.get(url("placements:application_cv", application.pk)).status_code == 200
    client.force_login(student2)
    assert client.get(url("placements:application_cv", application.pk)).status_code == 404

    # Deleting the file removes the object.
    with commit():
        application.cv.delete()
    assert keys(s3_client, bucket) == []
    client.force_login(student)
    assert client.get(url("placements:application_cv", application.pk)).status_code == 404


@pytest.mark.django_db
def test_a_logo_is_in_the_public_prefix_and_served_by_the_portal(client, s3, company):
    s3_client, _, prefix = s3

    company.logo.save("lk.png", ContentFile(png_bytes()))

    assert keys(s3_client, BUCKET) == ["media/" + company.logo.name]
    assert public_grants(s3_client, BUCKET, "media/" + company.logo.name) == []
    # The page links to the portal's address of the file, which streams it from the bucket.
    assert company.logo.url == "/media/" + company.logo.name
    response = client.get(company.logo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    company.logo.delete()
    assert keys(s3_client, BUCKET) == []


@pytest.mark.django_db
def test_an_agreement_is_for_project_leads_only(client, s3, company, lead, rep):
    from partners.models import Agreement

    s3_client, bucket, prefix = s3
    agreement = Agreement(organisation=company, title="Samverkansavtal", valid_from="2026-01-01")
    agreement.document.save("avtal.pdf", ContentFile(pdf_bytes()), save=False)
    agreement.save()
    address = "/private/" + agreement.document.name

    assert keys(s3_client, bucket) == [prefix + agreement.document.name]
    client.force_login(rep)
    assert client.get(address).status_code in (403, 404)
    client.force_login(lead)
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    agreement.document.delete(save=False)


def test_without_s3_bucket_files_stay_on_disk(monkeypatch):
    monkeypatch.delenv("S3_BUCKET", raising=False)
    built = production_storages(monkeypatch)
    assert built["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert built["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_settings_never_make_files_public(monkeypatch):
    built = production_storages(monkeypatch, S3_BUCKET="b")
    for name in ("default", "private"):
        options = built[name]["OPTIONS"]
        assert options["default_acl"] is None
        assert options["querystring_auth"] is False
        assert options["file_overwrite"] is False
    assert built["private"]["OPTIONS"]["location"] == "private"


STORED_FILE_PATH = re.compile(r"\.(cv|document|logo|minutes|file)\.path\b")


def test_no_code_reads_a_stored_file_by_its_filesystem_path():
    """A bucket has no paths: every stored file is read through storage.open()."""
    offenders = [
        f"{source.relative_to(ROOT)}:{number}"
        for folder in ("college_portal", "partners", "programs", "placements", "scripts")
        for source in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(source.read_text().splitlines(), 1)
        if STORED_FILE_PATH.search(line) or "storage.path(" in line
    ]
    assert offenders == []
