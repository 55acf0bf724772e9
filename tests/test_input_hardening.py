"""Input the portal must survive: dates outside 2000-2100 are refused on the field (a form
error in the user's language, in the portal's forms and in admin) and by the database (a
CheckConstraint, whatever writes); absurd date strings re-render the form; a path or query
string with NUL, control bytes or bad UTF-8 answers 400, never 500; a body above the cap
answers 413."""

import random
from datetime import date, datetime, timedelta
from urllib.parse import quote_from_bytes
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.validators import OUT_OF_RANGE, validate_sane_date
from partners.models import Agreement, Meeting, SteeringGroup, SteeringGroupMember
from placements.models import ApplicationStatus, OfferKind, Slot, StatusChange
from tests.factories import (
    ApplicationFactory,
    IntakeFactory,
    NeedAnswerFactory,
    OfferFactory,
    SlotFactory,
    SupplyFigureFactory,
)
from tests.helpers import database_state, url
from tests.placements.test_offers import offer_data

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DATE_APPS = ("partners", "programs", "placements", "rounds")


def out_of_range_message(lang):
    """What the user reads, in `lang` (the Swedish is a translation, not the English)."""
    with translation.override(lang):
        message = str(OUT_OF_RANGE) % {"earliest": "2000-01-01", "latest": "2100-12-31"}
    assert lang == "en" or message.startswith("Ange ett datum"), message
    return message


def date_fields():
    """Every date and date-time field of the three apps that is not stamped by Django itself."""
    for app in DATE_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.DateField) and not (
                    getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                ):
                    yield model, field


# --- The rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (date(2000, 1, 1), True),
        (date(2100, 12, 31), True),
        (date(1999, 12, 31), False),
        (date(2101, 1, 1), False),
        (date(1, 1, 1), False),
        (date(9999, 12, 31), False),
        (datetime(2000, 1, 1, 0, 0, tzinfo=STOCKHOLM), True),
        (datetime(2100, 12, 31, 23, 59, tzinfo=STOCKHOLM), True),
        (datetime(1, 1, 1, 0, 30, tzinfo=STOCKHOLM), False),  # the stored BC timestamp
        (datetime(9999, 12, 31, 23, 59, tzinfo=STOCKHOLM), False),
    ],
)
def test_the_range_is_2000_to_2100(value, accepted):
    if accepted:
        validate_sane_date(value)
    else:
        with pytest.raises(ValidationError) as refused:
            validate_sane_date(value)
        assert refused.value.code == "date_out_of_range"


def test_every_date_field_has_the_validator_and_a_database_constraint():
    for model, field in date_fields():
        assert validate_sane_date in field.validators, f"{model.__name__}.{field.name}"
        checks = [
            c
            for c in model._meta.constraints
            if isinstance(c, models.CheckConstraint) and field.name in str(c.condition)
            and c.name.endswith("_in_range")
        ]  # fmt: skip
        assert checks, f"{model.__name__}.{field.name} has no range constraint"


# --- Through the offer form ----------------------------------------------------------------------


def visit_with_a_time(company):
    visit = OfferFactory(organisation=company, study_visit=True, title="Studiebesök på LK")
    SlotFactory(offer=visit, capacity=10)
    return visit


def edit_times(client, visit, company, starts, ends, lang="sv"):
    data = offer_data(company, kind=OfferKind.STUDY_VISIT, slots=[(starts, ends, 10)])
    del data["organisation"]
    data["slots-TOTAL_FORMS"] = "1"  # the existing time is left as it is; one new time
    return client.post(url("placements:offer_edit", visit.pk, lang=lang), data)


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        ("0001-01-01T00:30", "0001-01-01T01:30"),  # the time that broke the offer page
        ("0001-01-01T00:00", "0001-01-01T23:00"),
        ("9999-12-31T10:00", "9999-12-31T12:00"),
        ("1999-12-31T10:00", "1999-12-31T12:00"),
    ],
)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_time_outside_the_range_is_refused_in_the_users_language(
    client, rep, company, starts, ends, lang
):
    visit = visit_with_a_time(company)
    client.force_login(rep)
    before = database_state()

    response = edit_times(client, visit, company, starts, ends, lang=lang)

    assert response.status_code == 200  # the form again, with what was typed
    assert out_of_range_message(lang) in response.content.decode()
    assert response.context["formset"].forms[0].errors["starts_at"]
    assert database_state() == before
    client.logout()
    assert client.get(url("placements:offer_detail", visit.pk)).status_code == 200


def test_an_offer_date_outside_the_range_is_refused(client, rep, company):
    client.force_login(rep)
    data = offer_data(company, period_end="9999-12-31")

    response = client.post(url("placements:offer_create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == [out_of_range_message("sv")]


@pytest.mark.parametrize(
    "typed",
    ["99999-01-01", "2024-13-45", "0000-00-00", "-1-01-01", "2024-02-30", "9" * 5000, "١٢-١-٢٠٢٤"],
)
def test_absurd_dates_in_the_offer_form_re_render_it(client, rep, company, typed):
    client.force_login(rep)
    visit = visit_with_a_time(company)
    before = database_state()
    data = offer_data(company, period_start=typed, application_deadline=typed, period_end=typed)

    created = client.post(url("placements:offer_create"), data)
    edited = edit_times(client, visit, company, typed, f"{typed}T10:00")

    assert created.status_code == 200 and created.context["form"].errors["period_start"]
    assert edited.status_code == 200 and edited.context["formset"].forms[0].errors["starts_at"]
    assert database_state() == before


# --- In admin ------------------------------------------------------------------------------------


def admin_date_inputs(form, value):
    """The POST names of a form's date inputs (a date-time is split in admin: day and time)."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field, forms.SplitDateTimeField):
            data[f"{key}_0"], data[f"{key}_1"] = (value.split("T") + ["10:00"])[:2]
        elif isinstance(field, forms.DateTimeField | forms.DateField):
            data[key] = value
    return data


def admin_add_pages_with_dates():
    """The admin add pages of models with dates, or with inlines of such models."""
    lead = get_user_model()(is_staff=True, is_superuser=True, is_active=True)
    request = RequestFactory().get("/")
    request.user = lead

    def has_date_inputs(model, options):
        return any(
            m is model and field.editable and field.name not in options.readonly_fields
            for m, field in date_fields()
        )

    pages = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DATE_APPS or not model_admin.has_add_permission(request):
            continue
        if has_date_inputs(model, model_admin) or any(
            has_date_inputs(inline.model, inline) for inline in model_admin.inlines
        ):
            pages.append(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    return sorted(pages)


ADMIN_ADD_PAGES = admin_add_pages_with_dates()


def post_admin_add(client, page, value):
    """GET the add page, then POST it with `value` in every date input of the form and of one
    new row of each inline (the other inputs as the page gave them)."""
    address = reverse(page)
    shown = client.get(address)
    assert shown.status_code == 200
    adminform = shown.context["adminform"].form
    data = {"_save": "1", **admin_date_inputs(adminform, value)}
    for name, field in adminform.fields.items():
        if name not in data and f"{name}_0" not in data and isinstance(field, forms.CharField):
            data[name] = "Provrad"
    for inline in shown.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": "1",
                f"{formset.prefix}-INITIAL_FORMS": "0",
                f"{formset.prefix}-MIN_NUM_FORMS": "0",
                f"{formset.prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        data.update(admin_date_inputs(formset.empty_form, value))
    data = {k.replace("__prefix__", "0"): v for k, v in data.items()}
    assert any(v == value or v == value.split("T")[0] for v in data.values()), "no date input"
    return client.post(address, data)


def test_admin_pages_with_dates_are_found():
    assert {"admin:partners_agreement_add", "admin:placements_offer_add"} <= set(ADMIN_ADD_PAGES)


@pytest.mark.parametrize("page", ADMIN_ADD_PAGES)
@pytest.mark.parametrize(
    "value", ["0001-01-01", "9999-12-31", "99999-01-01", "2024-13-45", "0000-00-00", "x" * 3000]
)
def test_admin_refuses_dates_outside_the_range_and_absurd_ones(lead_client, page, value):
    before = database_state()

    response = post_admin_add(lead_client, page, value)

    assert response.status_code == 200  # the form again with its errors, nothing saved
    assert database_state() == before


def test_admin_says_why_in_the_users_language(lead_client, company):
    data = {
        "organisation": company.pk,
        "title": "Samverkansavtal",
        "valid_from": "0001-01-01",
        "_save": "1",
    }
    with translation.override("sv"):
        response = lead_client.post(reverse("admin:partners_agreement_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["valid_from"] == [out_of_range_message("sv")]
    assert not Agreement.objects.exists()


# --- In the database -----------------------------------------------------------------------------


@pytest.fixture
def a_row_of_each(world, agreement, lead):
    """A row of every model with a date field."""
    group = SteeringGroup.objects.create(name="Styrgrupp", level="regional")
    SteeringGroupMember.objects.create(
        group=group, person_name="Karin", organisation=world["company"], to_date=date(2030, 1, 1)
    )
    Meeting.objects.create(group=group, date=date(2026, 3, 1))
    IntakeFactory()
    NeedAnswerFactory(round__closed_at=timezone.now())
    SupplyFigureFactory()
    application = world["application"]
    StatusChange.objects.create(application=application, action="test", to_status="submitted")
    ApplicationFactory(
        offer=world["open_offer"], student=world["people"]["student2"],
        status=ApplicationStatus.WITHDRAWN, decided_at=timezone.now(),
        completed_at=timezone.now(), withdrawn_at=timezone.now(),
    )  # fmt: skip
    rows_of_each_round_model(world)
    rows_of_each_agreement_model(world)


def rows_of_each_agreement_model(world):
    from placements.models import AttendanceWeek, PlacementAgreement

    agreement = PlacementAgreement.objects.create(
        application=world["application"],
        supervisor_name="Anders Berg",
        supervisor_email="anders@example.org",
        risk_assessed_at=timezone.now(),
        started_at=timezone.now(),
        assessed_at=timezone.now(),
        conversation_on=timezone.localdate(),
    )
    AttendanceWeek.objects.create(agreement=agreement, week=timezone.localdate(), days_present=5)


def rows_of_each_round_model(world):
    from tests.rounds.helpers import allocated_round

    round_ = allocated_round(world)
    round_.students.update(reminded_at=timezone.now())
    allocation = round_.students.get().allocation
    allocation.history.create(action="test")


def write_directly(model, field, value):
    rows = model._base_manager.all()
    assert rows.exists(), f"no {model.__name__} to write to"
    with transaction.atomic():
        rows.update(**{field.name: value})


@pytest.mark.parametrize(
    ("model", "field"),
    list(date_fields()),
    ids=[f"{m.__name__}.{f.name}" for m, f in date_fields()],
)
@pytest.mark.parametrize("year", [1999, 2101])
def test_the_database_refuses_a_date_outside_the_range(a_row_of_each, model, field, year):
    value = date(year, 6, 1)
    if isinstance(field, models.DateTimeField):
        value = datetime(year, 6, 1, 12, tzinfo=STOCKHOLM)

    with pytest.raises(IntegrityError):
        write_directly(model, field, value)


def test_year_one_cannot_be_stored_around_the_forms(company):
    slot = SlotFactory(offer__organisation=company)
    year_one = datetime(1, 1, 1, 0, 30, tzinfo=STOCKHOLM)

    # PostgreSQL refuses it by the constraint; on SQLite Python cannot even convert it to UTC.
    refused = (
        IntegrityError if connection.vendor == "postgresql" else (IntegrityError, OverflowError)
    )
    with pytest.raises(refused), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(
            starts_at=year_one, ends_at=year_one + timedelta(hours=1)
        )
    assert Slot.objects.get(pk=slot.pk).starts_at == slot.starts_at


def test_dates_inside_the_range_are_written(company):
    slot = SlotFactory(offer__organisation=company)
    edge = datetime(2100, 12, 31, 22, 0, tzinfo=STOCKHOLM)

    Slot.objects.filter(pk=slot.pk).update(starts_at=edge, ends_at=edge + timedelta(hours=1))

    assert Slot.objects.get(pk=slot.pk).starts_at == edge


# --- Malformed addresses -------------------------------------------------------------------------

BAD_PATH_PARTS = ["%00", "a%00b", "%01", "%1F", "%7F", "%FF", "%C3%28", "%ED%A0%80", "%0A", "%09"]
BAD_QUERY_VALUES = [
    "%00",
    "x%00",
    "%01",
    "%1b%5B31m",
    "%7F",
    "%FF",
    "%C3%28",
    "%E2%82",
    "%F8%88%80",
]


@pytest.mark.parametrize("part", BAD_PATH_PARTS)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_malformed_unsubscribe_link_answers_400(client, world, part, lang):
    address = url("placements:unsubscribe", "TOKEN", lang=lang).replace("TOKEN", part)

    response = client.get(address)

    assert response.status_code == 400
    assert response["Content-Language"] == lang  # the portal's 400 page, in the link's language


@pytest.mark.parametrize("value", BAD_QUERY_VALUES)
def test_malformed_query_strings_answer_400_on_public_pages(client, world, value):
    for address in (
        url("home"),
        url("placements:offer_list") + f"?q={value}",
        url("programs:list") + f"?q=svarv{value}",
        url("placements:offer_list") + f"?kind=internship&municipality={value}",
        url("placements:offer_detail", world["open_offer"].pk) + f"?{value}=1",
        url("placements:unsubscribe", world["profile"].unsubscribe_token) + f"?x={value}",
    ):
        separator = "&" if "?" in address else "?"
        assert client.get(f"{address}{separator}x={value}").status_code == 400, address


@pytest.mark.parametrize("value", ["%00", "%FF", "%01"])
def test_malformed_admin_list_filters_answer_400(lead_client, world, value):
    for model in ("placements_application", "partners_organisation", "placements_offer"):
        address = reverse(f"admin:{model}_changelist")

        assert lead_client.get(f"{address}?status__exact={value}").status_code == 400
        assert lead_client.get(f"{address}?q={value}").status_code == 400
        assert lead_client.get(f"{address}%00/").status_code == 400


def test_a_post_to_a_malformed_address_is_refused_and_changes_nothing(client, world):
    before = database_state()

    response = client.post(url("placements:unsubscribe", "TOKEN").replace("TOKEN", "%00"))

    assert response.status_code == 400
    assert database_state() == before


def test_ordinary_addresses_are_unaffected(client, world):
    """Non-ASCII text, tabs and line breaks in a query, %-encoded UTF-8: all fine."""
    offers = url("placements:offer_list")
    assert client.get(offers + "?q=sv%C3%A4rvning+%E2%80%93+fr%C3%A4s").status_code == 200
    assert client.get(offers + "?q=CNC%09fr%C3%A4s%0D%0Aprakt").status_code == 200
    assert client.get(offers + "?q=svärv").status_code == 200
    token = world["profile"].unsubscribe_token
    assert client.get(url("placements:unsubscribe", token)).status_code == 200
    assert client.get(url("placements:unsubscribe", "finns-inte")).status_code == 404
    assert client.get("/healthz/live").status_code == 200


def test_the_refusal_is_logged_as_a_security_event(client, caplog):
    with caplog.at_level("WARNING", logger="django.security"):
        client.get("/en/unsubscribe/%00/")

    assert any(r.name == "django.security.MalformedAddress" for r in caplog.records)


FUZZ_BYTES = [bytes([b]) for b in range(256)] + [b"\xc3\xa4", b"\xe2\x82\xac", b"%", b"/", b"?"]


def random_bytes(rng):
    return b"".join(rng.choice(FUZZ_BYTES) for _ in range(rng.randint(1, 12)))


def test_fuzzed_paths_and_query_strings_never_answer_500(client, lead, world):
    """Seeded: the same 400 requests each run, across public pages, the unsubscribe link, an
    offer and admin (signed in as a project lead). 400 or an ordinary answer, never 500."""
    rng = random.Random(20261128)
    client.force_login(lead)
    bases = [
        url("home"),
        url("placements:offer_list"),
        url("placements:offer_detail", world["open_offer"].pk),
        url("placements:unsubscribe", "TOKEN"),
        url("programs:list"),
        reverse("admin:placements_application_changelist"),
    ]
    answers = {}
    for i in range(400):
        base = bases[i % len(bases)]
        junk = quote_from_bytes(random_bytes(rng), safe="")
        if i % 3 == 0:
            address = base.replace("TOKEN", junk) if "TOKEN" in base else base + junk + "/"
        elif i % 3 == 1:
            address = f"{base.replace('TOKEN', 'x')}?q={junk}&status__exact={junk}"
        else:
            address = f"{base.replace('TOKEN', 'x')}?{junk}={junk}"
        status = client.get(address).status_code
        answers.setdefault(status, []).append(address)

    assert 500 not in answers
    assert set(answers) <= {200, 301, 302, 400, 404}, {k: v[:3] for k, v in answers.items()}
    assert len(answers.get(400, [])) > 100  # the fuzz did reach the guard


# --- Request bodies ------------------------------------------------------------------------------


def test_a_body_above_the_cap_answers_413_before_it_is_read(client, student, world):
    client.force_login(student)
    offer = world["open_offer"]
    before = database_state()

    response = client.generic(
        "POST",
        url("placements:apply", offer.pk, lang="en"),
        b"x" * 100,  # what is sent is never read: the declared length decides
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(12 * 1024 * 1024 + 1),
    )

    assert response.status_code == 413
    assert "at most 12.0\xa0MB" in response.content.decode()
    assert database_state() == before


@override_settings(MAX_REQUEST_BODY_BYTES=256 * 1024)
def test_the_cap_is_a_setting_and_counts_files_too(client, student, world):
    client.force_login(student)
    offer = world["open_offer"]
    cv = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n" + b"0" * 300 * 1024, "application/pdf")

    response = client.post(
        url("placements:apply", offer.pk), {"motivation": "Jag vill lära mig fräsa. " * 3, "cv": cv}
    )

    assert response.status_code == 413
    assert "Uppladdningen är för stor" in response.content.decode()


def test_a_body_below_the_cap_reaches_the_form(client, student, world):
    """A 6 MB CV is under the 12 MB cap: the form itself says it is over the 5 MB limit."""
    client.force_login(student)
    big = b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024)

    response = client.post(
        url("placements:apply", world["open_offer"].pk),
        {"motivation": "Jag vill lära mig fräsa. " * 3, "cv": SimpleUploadedFile("cv.pdf", big)},
    )

    assert response.status_code == 400
    assert [e.code for e in response.context["apply_form"].errors.as_data()["cv"]] == ["too_large"]


@pytest.mark.parametrize(
    "typed", ["0001-01-01", "9999-12-31", "99999-01-01", "2024-13-45", "0000-00-00", "9" * 3000]
)
def test_absurd_dates_in_the_activity_filter_never_break_it(lead_client, world, typed):
    for field in ("date_from", "date_to"):
        response = lead_client.get(url("activity:list"), {field: typed})

        assert response.status_code == 200
