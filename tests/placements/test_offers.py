"""Offers: a representative writes an internship or a study visit with its times, previews the
draft (only the organisation sees it), publishes, closes and copies it; everyone browses the
published ones with filters, search and pages, at a cost that does not grow with the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from placements.models import Offer, OfferKind, OfferStatus, Slot
from tests.factories import (
    ApplicationFactory,
    OfferFactory,
    OrganisationFactory,
    PartnerRoleFactory,
    ProgrammeFactory,
    SlotFactory,
)
from tests.helpers import shown_messages, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def when(days, hour):
    """A local date-time as the form's datetime-local input sends it."""
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def offer_data(organisation, kind=OfferKind.INTERNSHIP, slots=(), programmes=(), **fields):
    data = {
        "organisation": organisation.pk,
        "kind": kind,
        "title": "Praktik i CNC-fräsning",
        "description": "Du lär dig ställa in och köra en femaxlig fräs.\n\nSkyddsskor finns.",
        "municipality": organisation.municipality,
        "address": "Verkstadsvägen 4",
        "programmes": [p.pk for p in programmes],
        "prerequisites": "",
        "places": "2",
        "application_deadline": "",
        "period_start": "",
        "period_end": "",
        "contact_name": "Karin Berg",
        "contact_email": "karin@lkprecision.example",
        "contact_phone": "08-123 45 67",
        "slots-TOTAL_FORMS": str(max(2, len(slots))),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "20",
    }
    if kind == OfferKind.INTERNSHIP:
        data.update(
            application_deadline=(TODAY + timedelta(days=10)).isoformat(),
            period_start=(TODAY + timedelta(days=30)).isoformat(),
            period_end=(TODAY + timedelta(days=60)).isoformat(),
        )
    for i, (starts, ends, capacity) in enumerate(slots):
        data.update(
            {
                f"slots-{i}-starts_at": starts,
                f"slots-{i}-ends_at": ends,
                f"slots-{i}-capacity": str(capacity),
            }
        )
    data.update(fields)
    return {k: v for k, v in data.items() if v != [] or k != "programmes"}


def create(client, user, data):
    client.force_login(user)
    response = client.post(url("placements:offer_create"), data)
    assert response.status_code == 302, response.context and (
        response.context["form"].errors,
        response.context["formset"].errors,
    )
    # The preview shows (and so uses up) the "saved" message.
    assert client.get(response["Location"]).status_code == 200
    return Offer.objects.order_by("-pk").first(), response


def visibility(client, offer, people):
    """Status code of the offer page for each person (None: anonymous)."""
    found = {}
    for name, person in people.items():
        client.logout()
        if person:
            client.force_login(person)
        found[name] = client.get(url("placements:offer_detail", offer.pk)).status_code
    return found


# --- Writing, previewing and publishing -----------------------------------------------------


def test_representative_writes_an_internship_previews_and_publishes(
    client, rep, colleague, rep2, student, company
):
    programme = ProgrammeFactory(name="Industritekniska programmet")
    offer, response = create(client, rep, offer_data(company, programmes=[programme]))

    assert response["Location"] == url("placements:offer_detail", offer.pk)
    assert (offer.status, offer.kind, offer.created_by) == (OfferStatus.DRAFT, "internship", rep)
    assert list(offer.programmes.all()) == [programme]
    assert not offer.slots.exists()
    preview = client.get(response["Location"])
    with translation.override("sv"):
        assert gettext("Preview: this offer is a draft and only your organisation sees it.") in (
            preview.content.decode()
        )
    assert visibility(
        client,
        offer,
        {"colleague": colleague, "rep2": rep2, "student": student, "anonymous": None},
    ) == {"colleague": 200, "rep2": 404, "student": 404, "anonymous": 404}
    # A draft is in nobody's list.
    assert offer.title not in client.get(url("placements:offer_list")).content.decode()

    client.force_login(rep)
    response = client.post(url("placements:offer_publish", offer.pk))

    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    assert offer.published_at is not None
    assert response["Location"] == url("placements:offer_detail", offer.pk)
    assert visibility(client, offer, {"rep2": rep2, "student": student, "anonymous": None}) == {
        "rep2": 200,
        "student": 200,
        "anonymous": 200,
    }
    assert offer.title in client.get(url("placements:offer_list")).content.decode()


def test_representative_writes_a_study_visit_with_two_times(client, rep, student, company):
    slots = [(when(7, 9), when(7, 11), 20), (when(14, 13), when(14, 15), 12)]
    data = offer_data(
        company, kind=OfferKind.STUDY_VISIT, slots=slots, title="Öppet hus i verkstaden"
    )

    offer, _response = create(client, rep, data)

    assert offer.kind == OfferKind.STUDY_VISIT
    times = list(offer.slots.order_by("starts_at"))
    assert [
        (timezone.localtime(s.starts_at).strftime("%Y-%m-%dT%H:%M"), s.capacity) for s in times
    ] == [
        (slots[0][0], 20),
        (slots[1][0], 12),
    ]
    assert all(s.places_taken == 0 for s in times)
    assert client.post(url("placements:offer_publish", offer.pk)).status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED

    client.force_login(student)
    page = client.get(url("placements:offer_detail", offer.pk)).content.decode()
    assert "20 / 20" in page and "12 / 12" in page
    assert url("placements:book", offer.pk) in page


def test_an_internship_needs_its_period(client, rep, company):
    client.force_login(rep)
    data = offer_data(company, period_start="", period_end="")

    response = client.post(url("placements:offer_create"), data)

    assert response.status_code == 200
    assert "period_start" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_a_time_must_end_after_it_starts(client, rep, company):
    client.force_login(rep)
    data = offer_data(company, kind=OfferKind.STUDY_VISIT, slots=[(when(7, 11), when(7, 9), 20)])

    response = client.post(url("placements:offer_create"), data)

    assert response.status_code == 200
    assert response.context["formset"].errors[0]["ends_at"]
    assert not Offer.objects.exists() and not Slot.objects.exists()


def test_a_company_that_does_not_host_study_visits_cannot_publish_one(client, rep2, company2):
    data = offer_data(company2, kind=OfferKind.STUDY_VISIT, slots=[(when(7, 9), when(7, 11), 10)])
    offer, _response = create(client, rep2, data)

    response = client.post(url("placements:offer_publish", offer.pk))

    assert response.status_code == 302
    [message] = shown_messages(response)
    assert company2.name in message
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT
    assert offer.published_at is None
    # Its internships it may publish.
    internship, _response = create(client, rep2, offer_data(company2))
    client.post(url("placements:offer_publish", internship.pk))
    internship.refresh_from_db()
    assert internship.status == OfferStatus.PUBLISHED


def test_a_study_visit_needs_a_future_time_to_be_published(client, rep, company):
    offer, _response = create(client, rep, offer_data(company, kind=OfferKind.STUDY_VISIT))

    response = client.post(url("placements:offer_publish", offer.pk))

    assert len(shown_messages(response)) == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_a_representative_cannot_write_for_another_company(client, rep2, company, company2):
    client.force_login(rep2)

    response = client.post(url("placements:offer_create"), offer_data(company))

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_edit_keeps_the_status_and_updates_the_times(client, rep, visit, company):
    slot = SlotFactory(offer=visit, capacity=10)
    client.force_login(rep)
    data = offer_data(company, kind=OfferKind.STUDY_VISIT, title="Nytt namn på besöket")
    del data["organisation"]
    data.update(
        {
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "1",
            "slots-0-id": str(slot.pk),
            "slots-0-starts_at": timezone.localtime(slot.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "slots-0-ends_at": timezone.localtime(slot.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "slots-0-capacity": "25",
        }
    )

    response = client.post(url("placements:offer_edit", visit.pk), data)

    assert response.status_code == 302
    visit.refresh_from_db()
    slot.refresh_from_db()
    assert (visit.title, visit.status, slot.capacity) == (
        "Nytt namn på besöket",
        OfferStatus.PUBLISHED,
        25,
    )


# --- Close and copy -------------------------------------------------------------------------


def test_closing_ends_applications(client, rep, student, offer):
    client.force_login(rep)

    response = client.post(url("placements:offer_close", offer.pk))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.CLOSED
    assert offer.title not in client.get(url("placements:offer_list")).content.decode()
    client.force_login(student)
    client.post(
        url("placements:apply", offer.pk),
        {"motivation": "Jag vill gärna göra min APL hos er i vår."},
    )
    assert not offer.applications.exists()


def test_copy_makes_a_draft_with_the_times(client, rep, company, visit):
    programme = ProgrammeFactory()
    visit.programmes.set([programme])
    first = SlotFactory(offer=visit, capacity=20)
    second = SlotFactory(
        offer=visit,
        capacity=8,
        starts_at=first.starts_at + timedelta(days=7),
        ends_at=first.ends_at + timedelta(days=7),
    )
    Slot.objects.filter(pk=first.pk).update(places_taken=5)
    client.force_login(rep)

    response = client.post(url("placements:offer_copy", visit.pk))

    copy = Offer.objects.exclude(pk=visit.pk).get()
    assert response["Location"] == url("placements:offer_detail", copy.pk)
    assert copy.status == OfferStatus.DRAFT and copy.published_at is None
    assert visit.title in copy.title and copy.title != visit.title
    assert (copy.kind, copy.description, copy.organisation) == (
        visit.kind,
        visit.description,
        company,
    )
    assert list(copy.programmes.all()) == [programme]
    assert [(s.starts_at, s.ends_at, s.capacity, s.places_taken) for s in copy.slots.all()] == [
        (first.starts_at, first.ends_at, 20, 0),
        (second.starts_at, second.ends_at, 8, 0),
    ]
    # The original is untouched.
    visit.refresh_from_db()
    assert visit.status == OfferStatus.PUBLISHED
    assert Slot.objects.get(pk=first.pk).places_taken == 5


def test_copy_leaves_out_past_times(client, rep, visit):
    future = SlotFactory(offer=visit)
    SlotFactory(
        offer=visit,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-2),
    )
    client.force_login(rep)

    client.post(url("placements:offer_copy", visit.pk))

    copy = Offer.objects.exclude(pk=visit.pk).get()
    assert [s.starts_at for s in copy.slots.all()] == [future.starts_at]


def test_copy_of_an_internship(client, colleague, offer):
    ApplicationFactory(offer=offer, status="accepted")
    client.force_login(colleague)

    client.post(url("placements:offer_copy", offer.pk))

    copy = Offer.objects.exclude(pk=offer.pk).get()
    assert (copy.status, copy.places, copy.period_start, copy.created_by) == (
        OfferStatus.DRAFT,
        offer.places,
        offer.period_start,
        colleague,
    )
    assert not copy.applications.exists()


# --- The list: filters, search, pages ----------------------------------------------------------


@pytest.fixture
def catalogue(company, company2):
    """Offers of two companies in two municipalities, two programmes, both kinds."""
    svarv = ProgrammeFactory(name="Svarvning YH")
    fras = ProgrammeFactory(name="Fräsning Komvux")
    offers = {
        "lk_internship": OfferFactory(
            organisation=company, title="Praktik svarvning Södertälje", programmes=[svarv]
        ),
        "lk_visit": OfferFactory(
            organisation=company, study_visit=True, title="Studiebesök LK", programmes=[svarv]
        ),
        "fras_internship": OfferFactory(
            organisation=company2,
            municipality="Huddinge",
            title="Praktik femaxlig fräs",
            description="Vi fräser detaljer till flygindustrin.",
            programmes=[fras],
        ),
        "past_deadline": OfferFactory(
            organisation=company2,
            municipality="Huddinge",
            title="Praktik med passerad sista dag",
            application_deadline=TODAY - timedelta(days=1),
        ),
        "visit_in_the_past": OfferFactory(
            organisation=company,
            study_visit=True,
            title="Studiebesök som redan varit",
            application_deadline=None,
        ),
        "draft": OfferFactory(organisation=company, draft=True, title="Utkast LK"),
        "closed": OfferFactory(organisation=company, closed=True, title="Stängd LK"),
    }
    SlotFactory(offer=offers["lk_visit"])
    SlotFactory(offer=offers["visit_in_the_past"], starts_at=timezone.now() - timedelta(hours=3))
    return {"svarv": svarv, "fras": fras, **offers}


def listed(client, params=None):
    response = client.get(url("placements:offer_list"), params or {})
    assert response.status_code == 200
    titles = {o.title for o in response.context["page"].object_list}
    html = response.content.decode()
    assert all(title in html for title in titles)
    return titles


def titles(catalogue, *keys):
    return {catalogue[k].title for k in keys}


# The public list shows only offers that can still be taken up: not the one past its deadline.
LISTED = ("lk_internship", "lk_visit", "fras_internship")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, LISTED),
        ({"kind": "internship"}, ("lk_internship", "fras_internship")),
        ({"kind": "study_visit"}, ("lk_visit",)),
        ({"municipality": "Huddinge"}, ("fras_internship",)),
        ({"programme": "svarv"}, ("lk_internship", "lk_visit")),
        ({"company": "lk-precision-ab"}, ("lk_internship", "lk_visit")),
        ({"q": "flygindustrin"}, ("fras_internship",)),  # in the description
        ({"q": "huddinge fräs"}, ("fras_internship",)),  # company name, 2 words
        ({"q": "SVARVNING"}, ("lk_internship",)),
        (
            {"kind": "internship", "municipality": "Södertälje", "programme": "svarv"},
            ("lk_internship",),
        ),
        ({"q": "finns inte"}, ()),
    ],
)
def test_list_filters(client, catalogue, params, expected):
    if params.get("programme"):
        params = {**params, "programme": catalogue[params["programme"]].slug}

    assert listed(client, params) == titles(catalogue, *expected)


def test_pages_keep_the_filters(client, company, company2):
    for i in range(25):
        OfferFactory(
            organisation=company2, municipality="Huddinge", title=f"Huddinge praktik {i:02d}"
        )
    for i in range(5):
        OfferFactory(organisation=company, title=f"Södertälje praktik {i}")
    OfferFactory(organisation=company2, municipality="Huddinge", study_visit=True, title="Besök H")
    params = {"kind": "internship", "municipality": "Huddinge"}

    first = client.get(url("placements:offer_list"), params)

    html = first.content.decode()
    assert first.context["total"] == 25
    assert len(first.context["page"].object_list) == 20
    assert 'href="?kind=internship&amp;municipality=Huddinge&amp;page=2"' in html
    second = client.get(url("placements:offer_list"), {**params, "page": 2})
    on_second = {o.title for o in second.context["page"].object_list}
    assert len(on_second) == 5
    assert all(t.startswith("Huddinge praktik") for t in on_second)
    assert 'href="?kind=internship&amp;municipality=Huddinge&amp;page=1"' in second.content.decode()
    every = {o.title for o in first.context["page"].object_list} | on_second
    assert every == {f"Huddinge praktik {i:02d}" for i in range(25)}


# --- Query counts -------------------------------------------------------------------------------


def queries(client, address, params=None):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address, params or {}).status_code == 200
    return len(captured)


def many_offers(organisation, n, programme):
    for _ in range(n):
        offer = OfferFactory(organisation=organisation, programmes=[programme])
        for _ in range(3):
            ApplicationFactory(offer=offer)


def test_list_costs_the_same_with_many_offers(client, company, company2):
    programme = ProgrammeFactory()
    many_offers(company, 2, programme)
    few = queries(client, url("placements:offer_list"))
    few_filtered = queries(client, url("placements:offer_list"), {"programme": programme.slug})

    many_offers(company2, 30, programme)
    OrganisationFactory.create_batch(5)

    assert queries(client, url("placements:offer_list")) == few
    assert (
        queries(client, url("placements:offer_list"), {"programme": programme.slug}) == few_filtered
    )


@pytest.mark.parametrize("who", [None, "student", "rep"])
def test_detail_costs_the_same_with_many_applications(client, request, company, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    programmes = ProgrammeFactory.create_batch(2)
    internship = OfferFactory(organisation=company, programmes=programmes[:1])
    visit = OfferFactory(organisation=company, study_visit=True, programmes=programmes[:1])
    SlotFactory(offer=visit)
    ApplicationFactory(offer=internship)
    few = {o.pk: queries(client, url("placements:offer_detail", o.pk)) for o in (internship, visit)}

    internship.programmes.set(programmes)
    visit.programmes.set(programmes)
    for _ in range(20):
        ApplicationFactory(offer=internship)
    for i in range(1, 6):
        SlotFactory(offer=visit, starts_at=timezone.now() + timedelta(days=i, hours=1))

    assert {
        o.pk: queries(client, url("placements:offer_detail", o.pk)) for o in (internship, visit)
    } == few


def test_a_new_company_can_publish_once_it_hosts(client, company2, rep2):
    """The host roles come from the partnership, not from the offer form."""
    PartnerRoleFactory(organisation=company2, role="study_visit_host")
    data = offer_data(company2, kind=OfferKind.STUDY_VISIT, slots=[(when(7, 9), when(7, 11), 10)])
    offer, _response = create(client, rep2, data)

    client.post(url("placements:offer_publish", offer.pk))

    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED


def test_list_counts_and_pages_without_distinct_or_grouping(client, company, company2):
    from django.core.cache import cache

    programme = ProgrammeFactory()
    many_offers(company, 3, programme)
    many_offers(company2, 3, ProgrammeFactory())
    for params in ({}, {"programme": programme.slug}, {"q": "fräsning"}):
        cache.clear()  # the page itself, not a cached copy
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("placements:offer_list"), params)
        assert response.status_code == 200
        assert response.context["total"] == (3 if "programme" in params else 6)
        assert len(captured) <= 5, [q["sql"] for q in captured]
        offer_queries = [
            q["sql"]
            for q in captured
            if q["sql"].split(" FROM ", 1)[-1].startswith('"placements_offer"')
            or q["sql"].startswith("SELECT COUNT(*)")
        ]
        assert len(offer_queries) == 2  # the count and the page (and a query per filter list)
        for sql in offer_queries:
            assert "DISTINCT" not in sql and "GROUP BY" not in sql
            assert "placements_application" not in sql


def test_filters_offer_only_programmes_and_companies_with_offers_listed_now(
    client, company, company2
):
    from django.core.cache import cache
    from django.test.signals import template_rendered

    with_offers = ProgrammeFactory(name="Svarvning", slug="svarvning")
    without = ProgrammeFactory(name="Programmet utan erbjudanden", slug="utan-erbjudanden")
    OfferFactory(organisation=company, programmes=[with_offers])
    OfferFactory(organisation=company2, closed=True, programmes=[without])
    cache.clear()  # the page itself, not a cached copy
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        html = client.get(url("placements:offer_list"), {"programme": "svarvning"}).content.decode()
    finally:
        template_rendered.disconnect(record)
    assert '<option value="svarvning" selected>Svarvning</option>' in html
    assert "utan-erbjudanden" not in html
    assert f'<option value="{company.slug}">' in html
    assert f'value="{company2.slug}"' not in html  # only a closed offer
    # Labelled as before, and no template include per option.
    for name in ("q", "kind", "municipality", "programme", "company"):
        assert f'<label for="id_{name}">' in html
        assert f'id="id_{name}"' in html
    assert not [name for name in rendered if name and "widgets/select" in name]
