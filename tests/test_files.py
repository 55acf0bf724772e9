"""Uploaded files: logos are public; agreements and minutes only for project leads; CVs never
through these addresses (only through the application's own, checked view)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

pytestmark = pytest.mark.django_db


def test_logo_is_served_to_everyone(client, logo):
    response = client.get(logo.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_agreement_document_is_for_project_leads_only(client, agreement, lead, rep):
    url = agreement.document.url
    assert url.startswith("/private/agreements/")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(rep)
    assert client.get(url).status_code == 403
    client.force_login(lead)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_agreement_is_not_reachable_as_public_media(client, agreement):
    assert client.get("/media/" + agreement.document.name).status_code == 404


def test_cvs_and_traversal_are_refused_even_for_leads(client, lead):
    name = storages["private"].save("cv/1/secret.pdf", ContentFile(b"%PDF-1.4 cv"))
    try:
        client.force_login(lead)
        assert client.get("/private/" + name).status_code == 404
        assert client.get("/private/agreements/../" + name).status_code == 404
        assert client.get("/media/logos/../../etc/passwd").status_code == 404
    finally:
        storages["private"].delete(name)


def test_other_public_media_is_not_served(client):
    name = default_storage.save("other/readme.txt", ContentFile(b"x"))
    try:
        assert client.get("/media/" + name).status_code == 404
    finally:
        default_storage.delete(name)
