"""Data for the open data API's tests: a small public catalogue beside things that must never
come out (drafts, closed and past offers, unpublished programmes, inactive organisations,
contact persons, applicants and bookers)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from placements.models import ApplicationStatus
from programs.models import CompetenceRequirement, ConceptType, Coverage, TaxonomyConcept
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    CompetenceAreaFactory,
    CourseFactory,
    IntakeFactory,
    OfferFactory,
    OrganisationFactory,
    PartnerRoleFactory,
    ProgrammeCourseFactory,
    ProgrammeFactory,
    RequirementFactory,
    SchoolFactory,
    SlotFactory,
    UserFactory,
)

# What the hidden things are called: none of these words may appear in any answer.
SECRET = "HEMLIG"


def build_catalogue(n=1):
    """`n` of each public thing (a company with an internship and a study visit, a school with
    a programme, its intake and courses, an accepted requirement, a competence area), and the
    hidden things beside them."""
    made = {"companies": [], "programmes": [], "offers": [], "visits": []}
    # JobTech Taxonomy's SSYK 2012 group 7223 (machine setters and operators, metal).
    group, _new = TaxonomyConcept.objects.get_or_create(
        concept_id="vaEp_iBS_c5h",
        defaults={
            "concept_type": ConceptType.SSYK,
            "label_sv": "Maskinställare och maskinoperatörer, metallarbete",
            "label_en": "Machine tool setters and operators",
            "ssyk_code": "7223",
        },
    )
    for i in range(n):
        company = OrganisationFactory(
            name=f"Svarv {i} AB", description="Precisionsbearbetning", website="https://svarv.example"
        )
        for role in ("requirement_setter", "internship_host", "study_visit_host"):
            PartnerRoleFactory(organisation=company, role=role)
        school = SchoolFactory(name=f"Teknikgymnasiet {i}", school_unit_code=f"{12345670 + i}")
        area = CompetenceAreaFactory(
            name_sv=f"CNC-svarvning {i}", name_en=f"CNC turning {i}", ssyk_code="7223", concept=group
        )
        course = CourseFactory(
            name=f"Svarvning {i}",
            curriculum="gy11",
            subject_code="DAR",
            subject_name="Datorstyrd produktion",
            syllabus_version=1,
            syllabus_url="https://www.skolverket.se/",
        )
        course.areas.add(area)
        other = CourseFactory(name=f"Fräsning {i}")
        programme = ProgrammeFactory(provider=school, name=f"Industriteknik {i}")
        ProgrammeCourseFactory(programme=programme, course=course, order=1)
        ProgrammeCourseFactory(programme=programme, course=other, order=2)
        IntakeFactory(programme=programme)
        requirement = RequirementFactory(
            organisation=company, programmes=[programme], ssyk_code="7223", concept=group
        )
        Coverage.objects.create(requirement=requirement, course=course)
        RequirementFactory(organisation=company, programmes=[programme])  # a gap
        RequirementFactory(
            organisation=company,
            programmes=[programme],
            title=f"{SECRET} proposed requirement",
            status=CompetenceRequirement.Status.PROPOSED,
        )
        offer = OfferFactory(
            organisation=company,
            programmes=[programme],
            contact_name=f"{SECRET} Kontakt",
            contact_email="hemlig.kontakt@example.org",
            contact_phone="070-1234567",
        )
        student = UserFactory(full_name=f"{SECRET} Elev", email=f"hemlig.elev{i}@example.org")
        ApplicationFactory(offer=offer, student=student, status=ApplicationStatus.ACCEPTED)
        visit = OfferFactory(organisation=company, study_visit=True, programmes=[programme])
        slot = SlotFactory(offer=visit, capacity=20)
        BookingFactory(slot=slot, booked_by=student, group_size=3)
        # Never public:
        OfferFactory(organisation=company, draft=True, title=f"{SECRET} draft")
        OfferFactory(organisation=company, closed=True, title=f"{SECRET} closed")
        OfferFactory(
            organisation=company,
            title=f"{SECRET} past deadline",
            application_deadline=timezone.localdate() - timedelta(days=1),
        )
        past_visit = OfferFactory(organisation=company, study_visit=True, title=f"{SECRET} past")
        SlotFactory(
            offer=past_visit,
            starts_at=timezone.now() - timedelta(days=1),
            ends_at=timezone.now() - timedelta(days=1) + timedelta(hours=2),
        )
        hidden_org = OrganisationFactory(name=f"{SECRET} Inaktiv {i} AB", active=False)
        OfferFactory(organisation=hidden_org, title=f"{SECRET} of inactive")
        hidden_programme = ProgrammeFactory(
            provider=school, name=f"{SECRET} Opublicerad {i}", published=False
        )
        ProgrammeCourseFactory(
            programme=hidden_programme, course=CourseFactory(name=f"{SECRET} kurs {i}")
        )
        offer.programmes.add(hidden_programme)  # linked, but not published: never named
        CompetenceAreaFactory(name_sv=f"{SECRET} område {i}", name_en=f"{SECRET} area {i}", active=False)
        made["companies"].append(company)
        made["programmes"].append(programme)
        made["offers"].append(offer)
        made["visits"].append(visit)
    return made


@pytest.fixture
def catalogue(db):
    return build_catalogue(1)
