"""The API's operations: each reads what the portal's public pages show, through the same
querysets (`published()`, `listed()`, `active()`) and the same filter sets as the HTML lists,
and answers one page of plain data; the schemas (schemas.py) validate it and document it.

Reads only: every operation is a GET; no authentication (no session, no cookie is read), so
nothing but public data can come out."""

import math

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from partners.forms import PartnerFilterForm
from partners.models import Organisation, OrganisationKind, PartnerRoleKind
from partners.municipalities import municipality_code
from partners.selectors import filtered_partners
from placements.forms import OfferFilter
from placements.models import FILLED, Application, Offer, OfferKind, Slot
from programs.forms import CatalogueFilter
from programs.gap import MIN_COMPANIES, latest_round, public_report
from programs.models import (
    CompetenceArea,
    Course,
    Curriculum,
    Level,
    Programme,
    ProgrammeCourse,
    SubjectArea,
)
from programs.selectors import programme_occupations
from programs.services import coverage_for

from . import schemas
from .http import LICENCE_NAME, LICENCE_URL

DESCRIPTION = f"""Open data of Teknikcollege Stockholm: the machining programmes with their
intakes, courses and how they cover the partner companies' competence requirements; the courses;
the open internships and study visits with their free places; the partners; the competence
areas; and the public figures of stated need against seats.

**Licence:** the data is dedicated to the public domain under [{LICENCE_NAME}]({LICENCE_URL});
every answer says so in its `Link: <{LICENCE_URL}>; rel="license"` header.

**Language:** labels and names come in Swedish (the default) or English: `?lang=sv|en`, or the
`Accept-Language` header. The answer's `Content-Language` says which.

**Caching:** every answer has an `ETag` and a `Last-Modified`; send `If-None-Match` (or
`If-Modified-Since`) to get `304 Not Modified` when nothing changed.

**Limits:** a client may make a limited number of requests a minute; above it the answer is
`429 Too Many Requests` with `Retry-After` (seconds).

**Personal data:** none. No contact person, applicant or booker is ever in an answer; an
offer's contact is its organisation's website and the offer's page on the portal.

Reading only: CORS allows GET from any origin, without credentials."""


class Docs(Swagger):
    """Swagger UI from the portal's own static files (ninja ships them), with a link to the
    document itself for readers without JavaScript."""

    template = "api/docs.html"


class Renderer(JSONRenderer):
    # å, ä and ö as themselves (the answer is UTF-8), not as \u escapes.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Teknikcollege Stockholm – open data API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api_v1",
    docs=Docs(settings={"tryItOutEnabled": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=None,
    renderer=Renderer(),
    openapi_extra={
        "info": {
            "license": {"name": LICENCE_NAME, "url": LICENCE_URL},
        },
    },
)

ERRORS = {400: schemas.Error, 404: schemas.Error, 429: schemas.Error}


@api.exception_handler(ValidationError)
def _malformed(request, exc):
    """A malformed parameter (page=abc, a huge number) is the client's error: 400, not 422."""
    errors = [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": errors}, status=400)


# --- paging -------------------------------------------------------------------------------------

MAX_PAGE = 100_000


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(20, ge=1, le=100, description="Items per page, at most 100.")


def _address(request, page):
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paged(request, queryset, paging, rows):
    """One page of `queryset`: the count, the page's rows through `rows` (a function of the
    page's objects, doing its own prefetching), and the neighbours' addresses."""
    count = queryset.count()
    size = paging.page_size
    pages = max(1, math.ceil(count / size))
    start = (paging.page - 1) * size
    objects = list(queryset[start : start + size]) if start < count else []
    return {
        "count": count,
        "page": paging.page,
        "pages": pages,
        "page_size": size,
        "next": _address(request, paging.page + 1) if paging.page < pages else None,
        "previous": _address(request, paging.page - 1) if 1 < paging.page <= pages else None,
        "results": rows(request, objects),
    }


def filtered(filterset_class, values, queryset):
    """The HTML list's filter set on `queryset`, or 400 with what was wrong."""
    data = {key: value for key, value in values.items() if value not in (None, "")}
    filterset = filterset_class(data or None, queryset=queryset)
    if not filterset.is_bound:
        return queryset
    if not filterset.is_valid():
        raise HttpError(400, _("Invalid filter: %(errors)s") % {"errors": _errors(filterset.form)})
    return filterset.qs


def _errors(form):
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())


def label(choices, value):
    return {"code": str(value), "label": str(dict(choices).get(value, value))}


def absolute(request, path):
    return request.build_absolute_uri(path)


def organisation_ref(request, organisation):
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "url": absolute(request, reverse("partners:detail", args=[organisation.slug])),
    }


def programme_ref(request, programme):
    return {
        "slug": programme.slug,
        "name": programme.name,
        "url": absolute(request, programme.get_absolute_url()),
    }


# --- programmes ---------------------------------------------------------------------------------


class ProgrammeFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Swedish full-text search.")
    level: Level | None = None
    municipality: str | None = Field(None, max_length=40)
    provider: str | None = Field(None, max_length=200, description="The school's slug.")
    open_now: bool | None = Field(None, description="Only programmes open for applications.")


def concept(value):
    if value is None:
        return None
    return {
        "concept_id": value.concept_id,
        "type": value.concept_type,
        "label": value.label,
        "ssyk_code": value.ssyk_code,
    }


def _programmes_with_plan(programmes):
    plan = ProgrammeCourse.objects.select_related("course").order_by("order")
    ids = [p.pk for p in programmes]
    by_id = {
        p.pk: p
        for p in Programme.objects.filter(pk__in=ids)
        .select_related("provider")
        .prefetch_related("intakes", Prefetch("plan", queryset=plan, to_attr="ordered_plan"))
    }
    loaded = [by_id[pk] for pk in ids]
    occupations = programme_occupations(loaded)
    for programme in loaded:
        programme.occupations = occupations.get(programme.pk, [])
    return loaded


def _programme(request, programme):
    plan = programme.ordered_plan
    return {
        "slug": programme.slug,
        "name": programme.name,
        "level": label(Level.choices, programme.level),
        "provider": organisation_ref(request, programme.provider),
        "municipality": programme.municipality,
        "municipality_code": municipality_code(programme.municipality),
        "description": programme.description,
        "study_pace": label(programme._meta.get_field("study_pace").choices, programme.study_pace),
        "length_weeks": programme.length_weeks,
        "language": programme.language,
        "url": absolute(request, programme.get_absolute_url()),
        "intakes": [
            {
                "start_date": intake.start_date,
                "application_deadline": intake.application_deadline,
                "seats": intake.seats,
                "status": label(intake.Status.choices, intake.status),
                "open_for_applications": intake.is_open,
            }
            for intake in programme.intakes.all()
        ],
        "courses": [
            {
                "id": item.course.pk,
                "code": item.course.code,
                "curriculum": label(Curriculum.choices, item.course.curriculum),
                "name": item.course.name,
                "points": item.course.points,
                "term": item.term,
                "order": item.order,
            }
            for item in plan
        ],
        "total_points": sum(item.course.points for item in plan),
        "occupations": [
            {"ssyk_code": o.ssyk_code, "name": o.name, "concept_id": o.concept_id}
            for o in programme.occupations
        ],
    }


def _programme_rows(request, programmes):
    return [_programme(request, p) for p in _programmes_with_plan(programmes)]


@api.get(
    "/programmes",
    response={200: schemas.ProgrammePage, **ERRORS},
    url_name="programme_list",
    tags=["programmes"],
    summary="Published programmes with intakes and courses",
)
def programme_list(request, paging: Query[Paging], filters: Query[ProgrammeFilters]):
    """The catalogue: published programmes, with the catalogue page's filters."""
    base = Programme.objects.published().order_by("name")
    programmes = filtered(CatalogueFilter, filters.dict(), base).only("pk")
    return paged(request, programmes, paging, _programme_rows)


@api.get(
    "/programmes/{slug}",
    response={200: schemas.ProgrammeDetailOut, **ERRORS},
    url_name="programme_detail",
    tags=["programmes"],
    summary="A published programme with its requirement coverage",
)
def programme_detail(request, slug: str = Path(..., max_length=200)):
    """A programme, its intakes and courses, and each accepted competence requirement of the
    partners with the programme's courses that cover it (a gap where none does)."""
    programme = Programme.objects.published().filter(slug=slug).first()
    if programme is None:
        raise Http404
    (programme,) = _programmes_with_plan([programme])
    requirements = list(
        programme.requirements.accepted()
        .select_related("organisation", "concept")
        .prefetch_related("coverage")
        .order_by("-importance", "title", "pk")
    )
    coverage = coverage_for(programme, requirements, programme.ordered_plan)
    data = _programme(request, programme)
    data["requirements"] = [
        {
            "id": row["requirement"].pk,
            "title": row["requirement"].title,
            "description": row["requirement"].description,
            "importance": label(
                row["requirement"].Importance.choices, row["requirement"].importance
            ),
            "requirement_setter": organisation_ref(request, row["requirement"].organisation),
            "ssyk_code": row["requirement"].ssyk_code,
            "concept": concept(row["requirement"].concept),
            "covered": not row["gap"],
            "covered_by": [course.code or course.name for course in row["courses"]],
        }
        for row in coverage
    ]
    data["gaps"] = sum(1 for row in coverage if row["gap"])
    return data


# --- courses ------------------------------------------------------------------------------------


class CourseFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Words in the code or name.")
    subject_area: SubjectArea | None = None
    area: int | None = Field(None, ge=1, le=2**31 - 1, description="A competence area's id.")
    programme: str | None = Field(None, max_length=200, description="A programme's slug.")


def _public_courses():
    in_published = ProgrammeCourse.objects.filter(course=OuterRef("pk"), programme__published=True)
    return Course.objects.filter(Exists(in_published))


def _course_rows(request, courses):
    ids = [c.pk for c in courses]
    published = Programme.objects.published().order_by("name")
    loaded = {
        c.pk: c
        for c in Course.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("areas", queryset=CompetenceArea.objects.order_by("order", "name_sv")),
            Prefetch("programmes", queryset=published, to_attr="published_programmes"),
        )
    }
    rows = []
    for pk in ids:
        course = loaded[pk]
        rows.append(
            {
                "id": course.pk,
                "code": course.code,
                "curriculum": label(Curriculum.choices, course.curriculum),
                "subject_code": course.subject_code,
                "subject_name": course.subject_name,
                "syllabus_version": course.syllabus_version,
                "syllabus_url": course.syllabus_url,
                "name": course.name,
                "points": course.points,
                "description": course.description,
                "subject_area": label(SubjectArea.choices, course.subject_area),
                "areas": [{"id": a.pk, "name": a.name} for a in course.areas.all()],
                "programmes": [programme_ref(request, p) for p in course.published_programmes],
            }
        )
    return rows


@api.get(
    "/courses",
    response={200: schemas.CoursePage, **ERRORS},
    url_name="course_list",
    tags=["courses"],
    summary="Courses of the published programmes",
)
def course_list(request, paging: Query[Paging], filters: Query[CourseFilters]):
    """Every course that a published programme gives, by name."""
    courses = _public_courses()
    if filters.q:
        for word in filters.q.split():
            courses = courses.filter(Q(name__icontains=word) | Q(code__icontains=word))
    if filters.subject_area:
        courses = courses.filter(subject_area=filters.subject_area)
    if filters.area:
        courses = courses.filter(Exists(Course.areas.through.objects.filter(
            course=OuterRef("pk"), competencearea=filters.area
        )))
    if filters.programme:
        courses = courses.filter(Exists(ProgrammeCourse.objects.filter(
            course=OuterRef("pk"), programme__slug=filters.programme, programme__published=True
        )))
    courses = courses.order_by("name", "pk").only("pk")
    return paged(request, courses, paging, _course_rows)


# --- offers -------------------------------------------------------------------------------------


class OfferFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Swedish full-text search.")
    kind: OfferKind | None = None
    municipality: str | None = Field(None, max_length=40)
    programme: str | None = Field(None, max_length=200, description="A programme's slug.")
    company: str | None = Field(None, max_length=200, description="The company's slug.")


def _listed_offers():
    return Offer.objects.listed().order_by("-published_at", "-pk")


def _offer_rows(request, offers):
    ids = [o.pk for o in offers]
    filled = (
        Application.objects.filter(offer=OuterRef("pk"), status__in=FILLED)
        .order_by()
        .values("offer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    loaded = {
        o.pk: o
        for o in Offer.objects.filter(pk__in=ids)
        .select_related("organisation")
        .annotate(filled=Coalesce(Subquery(filled), 0))
        .prefetch_related(
            Prefetch(
                "programmes",
                queryset=Programme.objects.published().order_by("name"),
                to_attr="public_programmes",
            ),
            Prefetch(
                "slots",
                queryset=Slot.objects.bookable().order_by("starts_at"),
                to_attr="open_times",
            ),
        )
    }
    return [_offer(request, loaded[pk]) for pk in ids if pk in loaded]


def _offer(request, offer):
    internship = offer.kind == OfferKind.INTERNSHIP
    return {
        "id": offer.pk,
        "kind": label(OfferKind.choices, offer.kind),
        "title": offer.title,
        "description": offer.description,
        "prerequisites": offer.prerequisites,
        "municipality": offer.municipality,
        "municipality_code": municipality_code(offer.municipality),
        "address": offer.address,
        "organisation": organisation_ref(request, offer.organisation),
        "organisation_website": offer.organisation.website,
        "programmes": [programme_ref(request, p) for p in offer.public_programmes],
        "application_deadline": offer.application_deadline,
        "period_start": offer.period_start,
        "period_end": offer.period_end,
        "places": offer.places if internship else None,
        "free_places": max(0, offer.places - offer.filled) if internship else None,
        "times": [
            {
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "capacity": slot.capacity,
                "free_places": slot.places_left,
            }
            for slot in ([] if internship else offer.open_times)
        ],
        "published_at": offer.published_at,
        "url": absolute(request, offer.get_absolute_url()),
    }


@api.get(
    "/offers",
    response={200: schemas.OfferPage, **ERRORS},
    url_name="offer_list",
    tags=["offers"],
    summary="Open internships and study visits with their free places",
)
def offer_list(request, paging: Query[Paging], filters: Query[OfferFilters]):
    """Offers that can be taken up now (published, last day not passed, a time still ahead
    for those booked on times), newest first, with the offer list's filters."""
    offers = filtered(OfferFilter, filters.dict(), _listed_offers()).only("pk")
    return paged(request, offers, paging, _offer_rows)


@api.get(
    "/offers/{offer_id}",
    response={200: schemas.OfferOut, **ERRORS},
    url_name="offer_detail",
    tags=["offers"],
    summary="An open offer",
)
def offer_detail(request, offer_id: int = Path(..., ge=1, le=2**63 - 1)):
    rows = _offer_rows(request, list(_listed_offers().filter(pk=offer_id).only("pk")))
    if not rows:
        raise Http404
    return rows[0]


# --- partners -----------------------------------------------------------------------------------


class PartnerFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Swedish full-text search.")
    kind: OrganisationKind | None = None
    role: PartnerRoleKind | None = None


def public_organisation_number(number):
    """A legal person's number (its third and fourth digits at least 20); a sole trader's
    number is their personal identity number, personal data: None."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if len(digits) != 10 or int(digits[2:4]) < 20:
        return None
    return number


def _partner(request, organisation):
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": label(OrganisationKind.choices, organisation.kind),
        "organisation_number": public_organisation_number(organisation.organisation_number),
        "municipality": organisation.municipality,
        "municipality_code": municipality_code(organisation.municipality),
        "school_unit_code": organisation.school_unit_code,
        "website": organisation.website,
        "description": organisation.description,
        "logo": absolute(request, organisation.logo.url) if organisation.logo else None,
        "roles": [label(PartnerRoleKind.choices, role.role) for role in organisation.roles.all()],
        "url": absolute(request, reverse("partners:detail", args=[organisation.slug])),
    }


def _partner_rows(request, organisations):
    ids = [o.pk for o in organisations]
    loaded = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).prefetch_related("roles")}
    return [_partner(request, loaded[pk]) for pk in ids]


@api.get(
    "/partners",
    response={200: schemas.PartnerPage, **ERRORS},
    url_name="partner_list",
    tags=["partners"],
    summary="The partnership's active organisations",
)
def partner_list(request, paging: Query[Paging], filters: Query[PartnerFilters]):
    """Active organisations (public fields only), with the partner list's filters."""
    data = {key: value for key, value in filters.dict().items() if value not in (None, "")}
    form = PartnerFilterForm(data)
    if not form.is_valid():
        raise HttpError(400, _("Invalid filter: %(errors)s") % {"errors": _errors(form)})
    organisations = filtered_partners(Organisation.objects.active().order_by("name"), form.cleaned_data)
    return paged(request, organisations.only("pk"), paging, _partner_rows)


@api.get(
    "/partners/{slug}",
    response={200: schemas.PartnerOut, **ERRORS},
    url_name="partner_detail",
    tags=["partners"],
    summary="An active organisation of the partnership",
)
def partner_detail(request, slug: str = Path(..., max_length=200)):
    organisation = Organisation.objects.active().filter(slug=slug).prefetch_related("roles").first()
    if organisation is None:
        raise Http404
    return _partner(request, organisation)


# --- competence areas and demand/supply ---------------------------------------------------------


def _area_rows(request, areas):
    return [
        {
            "id": area.pk,
            "name": area.name,
            "name_sv": area.name_sv,
            "name_en": area.name_en,
            "ssyk_code": area.ssyk_code,
            "occupation": area.occupation,
            "concept": concept(area.concept),
        }
        for area in areas
    ]


@api.get(
    "/competence-areas",
    response={200: schemas.AreaPage, **ERRORS},
    url_name="area_list",
    tags=["competence areas"],
    summary="Competence areas (the axis of demand and supply)",
)
def area_list(request, paging: Query[Paging]):
    areas = (
        CompetenceArea.objects.filter(active=True)
        .select_related("concept")
        .order_by("order", "name_sv", "pk")
    )
    return paged(request, areas, paging, _area_rows)


def _cell(request, cell, with_programmes=False):
    data = {
        "area": {"id": cell.area.pk, "name": cell.area.name},
        "municipality": None if with_programmes else cell.municipality,
        "municipality_code": None if with_programmes else municipality_code(cell.municipality),
        "need_1": cell.need_1,
        "need_3": cell.need_3,
        "need_5": cell.need_5,
        "hidden_because": cell.reason or None,
        "seats": cell.seats,
    }
    if with_programmes:
        data["programmes"] = [programme_ref(request, p) for p in cell.programmes]
    return data


@api.get(
    "/demand-supply",
    response={200: schemas.DemandSupplyOut, **ERRORS},
    url_name="demand_supply",
    tags=["competence areas"],
    summary="Stated need against seats, per area and municipality (public aggregate)",
)
def demand_supply(request):
    """The figures of the public page "Where the jobs are": no company's own figure, no need
    from fewer than `min_companies` companies."""
    round_ = latest_round()
    year = round_.year if round_ else timezone.localdate().year
    data = public_report(round_=round_, year=year, programmes=Programme.objects.published())
    return {
        "round": {"title": round_.title, "year": round_.year} if round_ else None,
        "year": year,
        "min_companies": MIN_COMPANIES,
        "areas": [_cell(request, cell, with_programmes=True) for cell in data["areas"]],
        "municipalities": [_cell(request, cell) for cell in data["cells"]],
        "url": absolute(request, reverse("programs:jobs")),
    }
