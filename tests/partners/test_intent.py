"""Declarations of intent (avsiktsförklaringar) between a company and an education provider,
beside the municipal samverkansavtal: what makes one valid (in the model, the database and
admin), both parties' pages listing it, its document for the two parties' members only, the
expiry reminder, the activity log and the yearly report's evidence (criterion 2)."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from partners.models import Agreement, AgreementKind, OrganisationKind, PartnerRoleKind
from partners.report import declarations_of_intent_evidence
from partners.services import remind_expiring_agreements
from tests.factories import MembershipFactory, OrganisationFactory, PartnerRoleFactory
from tests.helpers import page, pdf_bytes, sv, table_rows, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def declaration(company, provider, *, title="Avsiktsförklaring LK – Täljegymnasiet", **fields):
    fields.setdefault("valid_from", TODAY - timedelta(days=30))
    return Agreement(
        kind=AgreementKind.INTENT,
        organisation=company,
        counterparty=provider,
        title=title,
        **fields,
    )


@pytest.fixture
def intent(company, school):
    """LK Precision's declaration of intent with Täljegymnasiet, with its signed document."""
    agreement = declaration(company, school, valid_to=TODAY + timedelta(days=700))
    agreement.document.save("avsikt.pdf", ContentFile(pdf_bytes()), save=False)
    agreement.save()
    yield agreement
    agreement.document.delete(save=False)


def errors_of(agreement):
    with pytest.raises(ValidationError) as raised:
        agreement.full_clean()
    return raised.value.message_dict


# --- what makes a declaration valid -----------------------------------------------------------


def test_a_declaration_needs_the_education_provider(company):
    assert errors_of(declaration(company, None)) == {
        "counterparty": ["En avsiktsförklaring behöver sin andra part: utbildningsanordnaren."]
    }


def test_the_two_parties_are_different_organisations(company):
    [message] = errors_of(declaration(company, company))["counterparty"]
    assert message == sv("The education provider must be another organisation than the company.")


def test_the_provider_must_be_an_education_provider(company, company2):
    [message] = errors_of(declaration(company, company2))["counterparty"]
    assert message == sv(
        "%(organisation)s is not an education provider: choose a school or an organisation "
        "with the education-provider role."
    ) % {"organisation": "Huddinge Fräs AB"}


def test_a_declaration_is_made_by_a_company(school):
    municipality = OrganisationFactory(name="Södertälje kommun", kind=OrganisationKind.MUNICIPALITY)
    assert errors_of(declaration(municipality, school)) == {
        "organisation": [sv("A declaration of intent is made by a company.")]
    }


def test_a_samverkansavtal_keeps_its_one_party(company, school):
    agreement = Agreement(
        organisation=company, counterparty=school, title="Samverkansavtal", valid_from=TODAY
    )
    assert list(errors_of(agreement)) == ["counterparty"]
    agreement.counterparty = None
    agreement.full_clean()  # today's shape is still valid


def test_a_school_or_an_organisation_with_the_provider_role_may_be_the_provider(company, school):
    declaration(company, school).full_clean()
    municipality = OrganisationFactory(name="Huddinge kommun", kind=OrganisationKind.MUNICIPALITY)
    PartnerRoleFactory(organisation=municipality, role=PartnerRoleKind.EDUCATION_PROVIDER)
    declaration(company, municipality).full_clean()


@pytest.mark.parametrize(
    "kind, counterparty",
    [("intent", None), ("intent", "company"), ("collaboration", "school")],
    ids=["declaration-without-provider", "company-with-itself", "samverkansavtal-with-provider"],
)
def test_the_database_refuses_parties_that_do_not_match_the_kind(
    company, school, kind, counterparty
):
    parties = {"company": company, "school": school, None: None}
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            kind=kind,
            organisation=company,
            counterparty=parties[counterparty],
            title="Avtal",
            valid_from=TODAY,
        )


# --- admin --------------------------------------------------------------------------------------


def admin_form(company, provider, **extra):
    return {
        "kind": "intent",
        "organisation": company.pk,
        "counterparty": provider.pk if provider else "",
        "title": "Avsiktsförklaring om lärarpraktik",
        "scope": "",
        "valid_from": TODAY.isoformat(),
        "valid_to": (TODAY + timedelta(days=365)).isoformat(),
        **extra,
    }


def test_a_lead_adding_a_declaration_with_a_company_as_provider_is_told_why(
    lead_client, company, company2
):
    response = lead_client.post(url("admin:partners_agreement_add"), admin_form(company, company2))

    assert response.status_code == 200
    assert "Huddinge Fräs AB är inte en utbildningsanordnare" in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_lead_adds_a_declaration_in_admin_and_it_is_logged(lead_client, lead, company, school):
    response = lead_client.post(url("admin:partners_agreement_add"), admin_form(company, school))

    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert (agreement.kind, agreement.counterparty) == (AgreementKind.INTENT, school)
    entry = ActivityEntry.objects.get(action=actions.AGREEMENT_ADDED)
    assert entry.actor == lead
    assert entry.data["kind"] == [None, "intent"]
    assert entry.data["counterparty_id"] == [None, school.pk]


def test_the_admin_list_filters_agreements_by_kind(lead_client, intent, company):
    Agreement.objects.create(organisation=company, title="Samverkansavtal LK", valid_from=TODAY)

    shown = lead_client.get(url("admin:partners_agreement_changelist") + "?kind=intent")

    html = shown.content.decode()
    assert intent.title in html
    assert "Samverkansavtal LK" not in html


# --- both partners' pages -----------------------------------------------------------------------


def agreements_table(client, organisation, lang="sv"):
    response = client.get(url("partners:detail", organisation.slug, lang=lang))
    assert response.status_code == 200
    tree = page(response)
    [table] = [
        t for t in tree.find_all("table") if "Avtal för" in t.text or "Agreements of" in t.text
    ]
    return table, response.content.decode()


@pytest.mark.parametrize(
    "lang, kind", [("sv", "Avsiktsförklaring"), ("en", "Declaration of intent")]
)
def test_a_declaration_is_listed_on_both_partners_pages_without_its_document_for_the_public(
    client, intent, company, school, lang, kind
):
    for organisation, other in ((company, school), (school, company)):
        table, html = agreements_table(client, organisation, lang)
        [row] = table_rows(table)
        assert row[0] == intent.title
        assert row[1].startswith(kind)
        assert row[2] == other.name
        assert row[5] == "–"
        assert url("partners:agreement_document", intent.pk, lang=lang) not in html


@pytest.mark.parametrize("person", ["rep", "colleague", "teacher", "lead"])
def test_the_parties_members_see_the_document_link_on_both_pages(
    client, request, intent, company, school, person
):
    client.force_login(request.getfixturevalue(person))
    for organisation in (company, school):
        _table, html = agreements_table(client, organisation)
        assert url("partners:agreement_document", intent.pk) in html


@pytest.mark.parametrize("person", ["rep2", "student"])
def test_others_signed_in_see_the_declaration_but_no_document_link(
    client, request, intent, company, school, person
):
    client.force_login(request.getfixturevalue(person))
    for organisation in (company, school):
        table, html = agreements_table(client, organisation)
        assert table_rows(table)[0][0] == intent.title
        assert url("partners:agreement_document", intent.pk) not in html


# --- the document -------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["rep", "colleague", "teacher", "lead"])
def test_each_partys_members_download_the_document(client, request, intent, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url("partners:agreement_document", intent.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("person", ["rep2", "student"])
def test_another_company_and_students_are_told_it_does_not_exist(client, request, intent, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url("partners:agreement_document", intent.pk)).status_code == 404


def test_a_member_of_another_school_is_refused(client, intent):
    other_school = OrganisationFactory(name="Huddinge tekniska gymnasium", kind="school")
    staff = MembershipFactory(organisation=other_school, user__role="school_staff").user
    client.force_login(staff)
    assert client.get(url("partners:agreement_document", intent.pk)).status_code == 404


def test_a_visitor_is_asked_to_sign_in(intent):
    response = Client().get(url("partners:agreement_document", intent.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_agreement_without_a_document_has_none_to_download(client, rep, company, school):
    agreement = declaration(company, school)
    agreement.save()
    client.force_login(rep)
    assert client.get(url("partners:agreement_document", agreement.pk)).status_code == 404


# --- reminders and the yearly report ------------------------------------------------------------


@pytest.mark.parametrize(
    "language, subject",
    [
        ("en", "Declaration of intent between LK Precision AB and Täljegymnasiet ends in 45 days"),
        ("sv", "Avsiktsförklaringen mellan LK Precision AB och Täljegymnasiet upphör om 45 dagar"),
    ],
)
def test_the_responsible_lead_is_reminded_of_an_expiring_declaration(
    lead, company, school, mailoutbox, django_capture_on_commit_callbacks, language, subject
):
    lead.language = language
    lead.save()
    agreement = declaration(company, school, valid_to=TODAY + timedelta(days=45), responsible=lead)
    agreement.save()

    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_agreements(today=TODAY)

    [mail] = mailoutbox
    assert mail.subject == subject
    with translation.override(language):
        assert reverse("admin:partners_agreement_change", args=[agreement.pk]) in mail.body
    assert ("declaration of intent" if language == "en" else "Avsiktsförklaringen") in mail.body


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date


def test_the_yearly_report_lists_the_declarations_valid_during_its_year(company, school):
    valid = declaration(company, school, valid_from=date(2025, 3, 1), valid_to=date(2026, 2, 28))
    valid.save()
    declaration(
        company, school, title="Gammal", valid_from=date(2022, 1, 1), valid_to=date(2024, 12, 31)
    ).save()
    declaration(company, school, title="Kommande", valid_from=date(2026, 1, 1)).save()
    Agreement.objects.create(
        organisation=company, title="Samverkansavtal", valid_from=date(2025, 1, 1)
    )

    [table] = declarations_of_intent_evidence(Period(2025, date(2025, 1, 1), date(2025, 12, 31)))

    assert table.rows == [
        ["LK Precision AB", "Täljegymnasiet", valid.title, "", "2025-03-01", "2026-02-28"]
    ]


@pytest.mark.django_db(transaction=True)  # the cached pages' version is bumped after commit
def test_a_cached_partner_page_shows_a_new_declaration(client, settings, company, school):
    settings.PUBLIC_PAGE_CACHE = True
    before = client.get(url("partners:detail", school.slug)).content.decode()
    assert "Avsiktsförklaring LK" not in before

    declaration(company, school).save()

    assert (
        "Avsiktsförklaring LK" in client.get(url("partners:detail", school.slug)).content.decode()
    )
