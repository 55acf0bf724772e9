"""Organisation numbers: normalised to NNNNNN-NNNN, and each kind of mistake says what is wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from partners.models import Organisation, OrganisationKind
from tests.helpers import ORGANISATION_INLINES, inline_management_data

pytestmark = pytest.mark.django_db

BAD_CHECK_DIGIT = "The check digit does not match: check the number for a typing error."
WRONG_LENGTH = "An organisation number has 10 digits, like 556677-8899."
LETTERS = "An organisation number has digits only, like 556677-8899."

MISTAKES = [
    pytest.param("5567123458", BAD_CHECK_DIGIT, "invalid_checksum", id="bad-check-digit"),
    pytest.param("556712-345", WRONG_LENGTH, "invalid_length", id="nine-digits"),
    pytest.param("55671234590", WRONG_LENGTH, "invalid_length", id="eleven-digits"),
    pytest.param("55671A-3459", LETTERS, "invalid_chars", id="letters"),
]


def new_organisation(number):
    return Organisation(
        name="Svarv & Fräs AB", slug="svarv-fras-ab", organisation_number=number, kind="company"
    )


@pytest.mark.parametrize("typed", ["5567123459", "556712-3459", "556712 3459"])
def test_full_clean_normalises_a_valid_number(typed):
    organisation = new_organisation(typed)

    organisation.full_clean()
    organisation.save()

    organisation.refresh_from_db()
    assert organisation.organisation_number == "556712-3459"


@pytest.mark.parametrize(("typed", "message", "code"), MISTAKES)
def test_full_clean_rejects_a_bad_number_with_its_own_message(typed, message, code):
    organisation = new_organisation(typed)

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    errors = caught.value.error_dict["organisation_number"]
    assert [e.code for e in errors] == [code]
    with translation.override("en"):
        assert caught.value.message_dict["organisation_number"] == [message]


def test_the_same_number_typed_differently_is_a_duplicate(company):
    digits = company.organisation_number.replace("-", "")
    organisation = new_organisation(digits)

    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()

    assert "organisation_number" in caught.value.error_dict


def add_form_data(number):
    return {
        "name": "Svarv & Fräs AB",
        "slug": "svarv-fras-ab",
        "organisation_number": number,
        "kind": OrganisationKind.COMPANY,
        "municipality": "Botkyrka",
        "active": "on",
        **inline_management_data(*ORGANISATION_INLINES),
    }


@pytest.mark.parametrize("typed", ["5567123459", " 556712 3459 "])
def test_admin_add_form_saves_the_number_normalised(lead_client, typed):
    response = lead_client.post(reverse("admin:partners_organisation_add"), add_form_data(typed))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.get(slug="svarv-fras-ab").organisation_number == "556712-3459"


@pytest.mark.parametrize(("typed", "message", "code"), MISTAKES)
def test_admin_add_form_shows_what_is_wrong_with_the_number(lead_client, typed, message, code):
    with translation.override("en"):
        url = reverse("admin:partners_organisation_add")

    response = lead_client.post(url, add_form_data(typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation_number"] == [message]
    assert message in response.content.decode()
    assert not Organisation.objects.filter(slug="svarv-fras-ab").exists()
