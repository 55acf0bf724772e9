"""A representative edits their own organisation's public profile, and nobody else's."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from partners.models import Organisation
from tests.helpers import png_bytes, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="logo.png", size=(120, 60)):
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def renamed_exe():
    # An MS-DOS header and some code: what a Windows program starts with.
    return SimpleUploadedFile(
        "logo.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="image/png"
    )


def profile_url(organisation, language="sv"):
    return url("partners:edit_profile", organisation.slug, lang=language)


PROFILE = {
    "description": "Vi fräser och svarvar i fem axlar åt fordons- och medicinteknikkunder.",
    "website": "https://lkprecision.example",
}


def test_representative_edits_own_profile_and_sees_it_on_the_partner_page(client, rep, company):
    client.force_login(rep)

    response = client.post(profile_url(company), {**PROFILE, "logo": png()})

    assert response.status_code == 302
    assert response["Location"] == url("partners:detail", company.slug)
    company.refresh_from_db()
    assert company.logo.name.startswith("logos/")
    page = client.get(url("partners:detail", company.slug)).content.decode()
    assert PROFILE["description"] in page
    assert 'href="https://lkprecision.example"' in page
    assert f'src="{company.logo.url}"' in page


def test_a_non_admin_representative_may_edit_the_profile_too(client, colleague, company):
    client.force_login(colleague)

    response = client.post(profile_url(company), PROFILE)

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.description == PROFILE["description"]


def test_a_renamed_program_is_rejected_as_logo(client, rep, company):
    client.force_login(rep)

    response = client.post(profile_url(company), {**PROFILE, "logo": renamed_exe()})

    assert response.status_code == 200
    errors = response.context["form"].errors["logo"]
    assert errors
    page = response.content.decode()
    assert all(str(error) in page.replace("&#x27;", "'") for error in errors)
    company.refresh_from_db()
    assert not company.logo
    assert company.description == ""


def test_a_gif_is_refused_with_the_formats_named(client, rep, company):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    client.force_login(rep)

    response = client.post(
        profile_url(company, "en"),
        {**PROFILE, "logo": SimpleUploadedFile("logo.gif", buffer.getvalue())},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["logo"] == ["Upload a PNG, JPEG or WebP image."]
    assert "Current logo" not in response.content.decode()  # the refused file is not shown
    company.refresh_from_db()
    assert not company.logo


def test_representative_cannot_open_or_change_another_organisations_profile(client, rep, company2):
    before = Organisation.objects.filter(pk=company2.pk).values().get()
    client.force_login(rep)

    opened = client.get(profile_url(company2))
    posted = client.post(profile_url(company2), {**PROFILE, "logo": png()})

    assert opened.status_code == posted.status_code == 404
    assert Organisation.objects.filter(pk=company2.pk).values().get() == before


def test_partner_page_offers_editing_only_to_the_organisations_own_people(
    client, rep, company, company2
):
    client.force_login(rep)
    edit_link = f'href="{profile_url(company)}"'
    other_edit_link = f'href="{profile_url(company2)}"'

    assert edit_link in client.get(url("partners:detail", company.slug)).content.decode()
    assert other_edit_link not in client.get(url("partners:detail", company2.slug)).content.decode()


def test_anonymous_visitor_is_sent_to_login(client, company):
    response = client.get(profile_url(company))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_student_gets_404(client, student, company):
    client.force_login(student)

    assert client.get(profile_url(company)).status_code == 404
    assert client.post(profile_url(company), PROFILE).status_code == 404
    company.refresh_from_db()
    assert company.description == ""


def test_representative_of_an_inactive_organisation_cannot_edit(client, rep, company):
    Organisation.objects.filter(pk=company.pk).update(active=False)
    client.force_login(rep)

    assert client.post(profile_url(company), PROFILE).status_code == 404
    company.refresh_from_db()
    assert company.description == ""


def test_removing_the_logo(client, rep, company):
    client.force_login(rep)
    client.post(profile_url(company), {**PROFILE, "logo": png()})

    client.post(profile_url(company), {**PROFILE, "remove_logo": "on"})

    company.refresh_from_db()
    assert not company.logo
    assert "partner-logo" not in client.get(url("partners:detail", company.slug)).content.decode()


def test_a_refused_logo_leaves_the_current_one_in_place(client, rep, company):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    client.force_login(rep)
    client.post(profile_url(company), {**PROFILE, "logo": png("first.png")})
    company.refresh_from_db()
    current = company.logo.url

    response = client.post(
        profile_url(company), {**PROFILE, "logo": SimpleUploadedFile("new.gif", buffer.getvalue())}
    )

    html = response.content.decode()
    assert f'src="{current}"' in html
    assert "new.gif" not in html
    company.refresh_from_db()
    assert company.logo.url == current
