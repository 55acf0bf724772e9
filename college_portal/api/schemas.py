"""What the API answers, field by field: the one description of every response, used both to
validate the answers and to write the OpenAPI document. No field names a person: contact
persons, applicants, bookers and users are never in any of them (tests/api/test_personal_data
holds every field to an allow-list)."""

from datetime import date, datetime

from ninja import Field, Schema


class Error(Schema):
    detail: str | dict | list = Field(description="What was wrong with the request.")


class Label(Schema):
    """A code and its text in the answer's language."""

    code: str
    label: str


class OrganisationRef(Schema):
    slug: str
    name: str
    url: str = Field(description="The organisation's page on the portal.")


class ProgrammeRef(Schema):
    slug: str
    name: str
    url: str


class AreaRef(Schema):
    id: int
    name: str


class Concept(Schema):
    """A concept of Arbetsförmedlingen's JobTech Taxonomy."""

    concept_id: str
    type: str = Field(description="occupation-name, skill or ssyk-level-4.")
    label: str
    ssyk_code: str


class Occupation(Schema):
    ssyk_code: str = Field(description="SSYK 2012 unit group.")
    name: str
    concept_id: str = Field(description="JobTech Taxonomy id of the SSYK group ('' if unknown).")


MUNICIPALITY_CODE = "SCB's four-digit municipality code ('' when none)."


class Page(Schema):
    count: int = Field(description="How many items match, on all pages.")
    page: int
    pages: int
    page_size: int
    next: str | None = Field(description="The next page's address, null on the last.")
    previous: str | None


# --- programmes ---------------------------------------------------------------------------------


class IntakeOut(Schema):
    start_date: date
    application_deadline: date
    seats: int
    status: Label
    open_for_applications: bool


class PlanCourseOut(Schema):
    id: int
    code: str = Field(description="Skolverket's code ('' for a local course).")
    curriculum: Label = Field(description="gy11, gy25 or '' (local).")
    name: str
    points: int
    term: int
    order: int


class CoverageOut(Schema):
    """An accepted competence requirement of a partner and the programme's courses that
    cover it; `covered` false is a gap."""

    id: int
    title: str
    description: str
    importance: Label
    requirement_setter: OrganisationRef
    ssyk_code: str
    concept: Concept | None
    covered: bool
    covered_by: list[str] = Field(description="Codes (or names) of the covering courses.")


class ProgrammeOut(Schema):
    slug: str
    name: str
    level: Label
    provider: OrganisationRef
    municipality: str
    municipality_code: str = Field(description=MUNICIPALITY_CODE)
    description: str
    study_pace: Label
    length_weeks: int
    language: str = Field(description="Language of instruction (sv or en).")
    url: str
    intakes: list[IntakeOut]
    courses: list[PlanCourseOut]
    total_points: int
    occupations: list[Occupation] = Field(
        description="Occupations (SSYK 2012) the programme leads to, from its courses' and "
        "requirements' competence areas."
    )


class ProgrammeDetailOut(ProgrammeOut):
    requirements: list[CoverageOut]
    gaps: int = Field(description="Accepted requirements no course of the programme covers.")


class ProgrammePage(Page):
    results: list[ProgrammeOut]


# --- courses ------------------------------------------------------------------------------------


class CourseOut(Schema):
    id: int
    code: str = Field(description="Skolverket's code ('' for a local course).")
    curriculum: Label = Field(description="gy11 (Gy11 course), gy25 (Gy25 subject level), ''.")
    subject_code: str
    subject_name: str
    syllabus_version: int | None
    syllabus_url: str = Field(description="The syllabus at Skolverket ('' when none).")
    name: str
    points: int
    description: str
    subject_area: Label
    areas: list[AreaRef]
    programmes: list[ProgrammeRef] = Field(description="Published programmes that give it.")


class CoursePage(Page):
    results: list[CourseOut]


# --- offers -------------------------------------------------------------------------------------


class TimeOut(Schema):
    starts_at: datetime
    ends_at: datetime
    capacity: int
    free_places: int


class OfferOut(Schema):
    id: int
    kind: Label
    title: str
    description: str
    prerequisites: str
    municipality: str
    municipality_code: str = Field(description=MUNICIPALITY_CODE)
    address: str
    organisation: OrganisationRef
    organisation_website: str = Field(
        description="The organisation's public contact: its website ('' when none)."
    )
    programmes: list[ProgrammeRef]
    application_deadline: date | None
    period_start: date | None
    period_end: date | None
    places: int | None = Field(description="Internship places; null for offers booked on times.")
    free_places: int | None = Field(description="Internship places not yet taken.")
    times: list[TimeOut] = Field(description="Bookable times ahead, each with its free places.")
    published_at: datetime | None
    url: str = Field(description="The offer's page, where one applies or books.")


class OfferPage(Page):
    results: list[OfferOut]


# --- partners -----------------------------------------------------------------------------------


class PartnerOut(Schema):
    slug: str
    name: str
    kind: Label
    organisation_number: str | None = Field(
        description="A legal person's organisation number; null where it could be a personal "
        "identity number (a sole trader's)."
    )
    municipality: str
    municipality_code: str = Field(description=MUNICIPALITY_CODE)
    school_unit_code: str = Field(description="Skolverket's skolenhetskod of a school ('' if none).")
    website: str
    description: str
    logo: str | None
    roles: list[Label]
    url: str


class PartnerPage(Page):
    results: list[PartnerOut]


# --- competence areas and the demand/supply aggregate -------------------------------------------


class AreaOut(Schema):
    id: int
    name: str
    name_sv: str
    name_en: str
    ssyk_code: str
    occupation: str
    concept: Concept | None


class AreaPage(Page):
    results: list[AreaOut]


class RoundOut(Schema):
    title: str
    year: int


class DemandCell(Schema):
    """Stated need within 1, 3 and 5 years (null where fewer than `min_companies` companies
    answered, or hidden so that such a figure cannot be worked out) and the year's seats."""

    area: AreaRef
    municipality: str | None = Field(description="null in the county totals.")
    municipality_code: str | None = Field(description="SCB's code; null in the county totals.")
    need_1: int | None
    need_3: int | None
    need_5: int | None
    hidden_because: str | None = Field(
        description="'few' (too few companies answered) or 'complement' (hidden so that "
        "another figure cannot be worked out); null when shown."
    )
    seats: int


class DemandAreaOut(DemandCell):
    programmes: list[ProgrammeRef]


class DemandSupplyOut(Schema):
    round: RoundOut | None = Field(description="The needs inventory; null before the first.")
    year: int
    min_companies: int
    areas: list[DemandAreaOut]
    municipalities: list[DemandCell]
    url: str = Field(description="The public page with the same figures.")
