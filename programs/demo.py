"""Demo curricula: machining education in Södertälje and Huddinge, with courses, intakes and
requirements from the two demo companies (some covered, some gaps)."""

from datetime import timedelta

from django.utils import timezone

from college_portal.accounts.models import User
from partners.demo import HUDDINGE_TEKNISKA, TALJE
from partners.models import Organisation

from .models import (
    CompetenceArea,
    CompetenceRequirement,
    Course,
    Coverage,
    Intake,
    Programme,
    ProgrammeCourse,
    TaxonomyConcept,
)
from .reference import import_courses, import_occupations

# Competence areas: Swedish and English name, SSYK 2012 code, occupation and JobTech Taxonomy
# concept (of the SSYK group, from the snapshot programs/data/jobtech_taxonomy.json) where the
# code is certain (blank otherwise), and the demo courses (names) teaching each.
# Welding and automation are taught by no demo course: demand there meets no supply.
AREAS = [
    ("CNC-svarvning", "CNC turning", "7223", "Maskinställare och maskinoperatörer, metallarbete", "vaEp_iBS_c5h",
     ["Datorstyrd produktion 1", "Datorstyrd produktion 2", "Datorstyrd produktion 3"]),
    ("CNC-fräsning", "CNC milling", "7223", "Maskinställare och maskinoperatörer, metallarbete", "vaEp_iBS_c5h",
     ["Datorstyrd produktion 1", "Datorstyrd produktion 2", "Datorstyrd produktion 3"]),
    ("Mätteknik och kvalitet", "Measuring and quality", "", "", "", ["Mätteknik 1"]),
    ("CAM-programmering", "CAM programming", "", "", "", ["CAD/CAM 1"]),
    ("Ritningsläsning", "Drawing reading", "", "", "", ["Ritteknik"]),
    ("Maskinunderhåll", "Machine maintenance", "7233", "Underhållsmekaniker och maskinreparatörer", "KttZ_Skc_bMR",
     ["Produktionsutrustning 1"]),
    ("Automation", "Automation", "", "", "", []),
    ("Svetsning", "Welding", "7212", "Svetsare och gasskärare", "wQ1E_Bzk_ZyA", []),
]  # fmt: skip

# The demo's courses, by name. Those with a code come from Skolverket's snapshot
# (programs/data/skolverket_courses.json, imported first); the others are the schools' own
# (local) courses without a national code: their codes could not be confirmed, see the
# snapshot's notes. Name: (code or "", points, subject area, description).
COURSES = {
    "Produktionskunskap 1": ("PRDPRO01", 100, "production", "Grunderna i industriell produktion: flöden, kvalitet och ständiga förbättringar."),
    "Produktionsutrustning 1": ("PRUPRD01S", 100, "production", "Maskiner och verktyg i verkstaden, skötsel och säkerhet."),
    "Datorstyrd produktion 1": ("DARDAT01S", 100, "cnc", "CNC-svarvning och CNC-fräsning: uppställning, nollpunkter och körning av program."),
    "Produktionsfilosofi – nivå 1": ("PROO100TX", 100, "production", "Lean, förbättringsarbete och kvalitetsledning (Gy25)."),
    "Datorstyrd produktion 2": ("", 100, "cnc", "Programmering av CNC-maskiner, fleroperationsmaskiner och optimering av bearbetning."),
    "Datorstyrd produktion 3": ("", 100, "cnc", "Femaxlig fräsning och avancerad svarvning med drivna verktyg."),
    "Skärande bearbetning 1": ("", 100, "cnc", "Svarvning, fräsning och borrning i konventionella maskiner."),
    "Mätteknik 1": ("", 100, "measurement", "Mätning med skjutmått, mikrometer och mätmaskin (CMM); mätosäkerhet."),
    "Ritteknik": ("", 50, "drawings", "Läsa och tolka ritningar, toleranser och ytjämnhet enligt ISO GPS."),
    "CAD/CAM 1": ("", 100, "cad_cam", "Från 3D-modell till verktygsbanor och NC-program."),
    "Industriella processer": ("", 100, "production", "Materialkunskap, värmebehandling och ytbehandling."),
    "Arbetsmiljö och säkerhet": ("", 50, "safety", "Riskbedömning, skyddsutrustning och säkert arbete vid maskiner."),
}  # fmt: skip

PROGRAMMES = [
    # slug, name, level, provider number, municipality, weeks, course names, description
    ("industritekniska-programmet-sodertalje", "Industritekniska programmet – produkt- och maskinteknik", "gymnasieskola",
     TALJE, "Södertälje", 120,
     ["Produktionskunskap 1", "Produktionsutrustning 1", "Skärande bearbetning 1", "Datorstyrd produktion 1", "Datorstyrd produktion 2", "Mätteknik 1", "Ritteknik", "Arbetsmiljö och säkerhet"],
     "Treårigt gymnasieprogram med inriktning produkt- och maskinteknik. Eleverna lär sig CNC-svarvning, fräsning och mätning med APL hos företag i Södertälje."),
    ("industritekniska-programmet-huddinge", "Industritekniska programmet – produkt- och maskinteknik (Huddinge)", "gymnasieskola",
     HUDDINGE_TEKNISKA, "Huddinge", 120,
     ["Produktionskunskap 1", "Produktionsutrustning 1", "Skärande bearbetning 1", "Datorstyrd produktion 1", "Mätteknik 1", "Ritteknik", "Arbetsmiljö och säkerhet", "Produktionsfilosofi – nivå 1"],
     "Gymnasieprogram med skärande bearbetning och arbetsplatsförlagt lärande i Huddinge."),
    ("cnc-operator-yrkesvux", "CNC-operatör (yrkesvux)", "komvux",
     TALJE, "Södertälje", 40,
     ["Skärande bearbetning 1", "Datorstyrd produktion 1", "Datorstyrd produktion 2", "Mätteknik 1", "Ritteknik", "Arbetsmiljö och säkerhet"],
     "Yrkesutbildning för vuxna som vill arbeta som CNC-operatör. Fräsning och svarvning i moderna maskiner, på heltid i 40 veckor."),
    ("cnc-tekniker-yh", "CNC-tekniker och produktionsteknik (YH)", "yh",
     HUDDINGE_TEKNISKA, "Huddinge", 80,
     ["Datorstyrd produktion 2", "Datorstyrd produktion 3", "CAD/CAM 1", "Mätteknik 1", "Ritteknik", "Industriella processer", "Produktionskunskap 1"],
     "Yrkeshögskoleutbildning för CNC-tekniker: programmering, CAD/CAM, femaxlig fräsning och produktionsteknik."),
]  # fmt: skip

REQUIREMENTS = [
    # org number, title, importance, description, programme slugs, covering course names
    ("556712-3459", "Läser ritningar enligt ISO GPS", 3, "Tolkar mått, toleranser och ytkrav på ritningar.", "all", ["Ritteknik"]),
    ("556712-3459", "Ställer upp och kör en femaxlig CNC-fräs", 3, "Nollpunkter, verktygsmätning och körning av femaxliga program.", "all", ["Datorstyrd produktion 3"]),
    ("556712-3459", "Mäter med koordinatmätmaskin (CMM)", 2, "Mäter detaljer i CMM och tolkar mätprotokoll.", "all", ["Mätteknik 1"]),
    ("556834-5671", "Grundläggande CNC-svarvning med drivna verktyg", 2, "Svarvning av detaljer i korta serier.", "all", ["Datorstyrd produktion 1", "Datorstyrd produktion 3"]),
    ("556834-5671", "Förstår grunderna i lean-produktion", 1, "Ständiga förbättringar och 5S i verkstaden.", "all", []),
]  # fmt: skip

# Requirement title: the competence areas (Swedish names) it is tagged with.
REQUIREMENT_AREAS = {
    "Läser ritningar enligt ISO GPS": ["Ritningsläsning"],
    "Ställer upp och kör en femaxlig CNC-fräs": ["CNC-fräsning"],
    "Mäter med koordinatmätmaskin (CMM)": ["Mätteknik och kvalitet"],
    "Grundläggande CNC-svarvning med drivna verktyg": ["CNC-svarvning"],
}


def load(stdout):
    import_courses()
    import_occupations()
    courses = {}
    for name, (code, points, area, description) in COURSES.items():
        if code:  # Skolverket's course from the snapshot: only the demo's description is added
            courses[name] = Course.objects.get(code=code, name=name)
            if courses[name].description != description:
                courses[name].description = description
                courses[name].save(update_fields=["description"])
            continue
        courses[name], _ = Course.objects.update_or_create(
            code="",
            curriculum="",
            name=name,
            defaults={"points": points, "subject_area": area, "description": description},
        )
    today = timezone.localdate()
    programmes = {}
    for slug, name, level, provider, municipality, weeks, codes, description in PROGRAMMES:
        programme, _ = Programme.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "level": level,
                "provider": Organisation.objects.get(organisation_number=provider),
                "municipality": municipality,
                "length_weeks": weeks,
                "description": description,
                "published": True,
            },
        )
        programmes[slug] = programme
        for order, code in enumerate(codes, start=1):
            ProgrammeCourse.objects.update_or_create(
                programme=programme,
                course=courses[code],
                defaults={"order": order, "term": 1 + (order - 1) * 6 // len(codes)},
            )
        start = today + timedelta(days=200)
        Intake.objects.update_or_create(
            programme=programme,
            start_date=start,
            defaults={
                "application_deadline": start - timedelta(days=90),
                "seats": 16 if level != "yh" else 30,
                "status": Intake.Status.OPEN,
            },
        )
    lead = User.objects.filter(email="lead@example.org").first()
    for number, title, importance, description, slugs, codes in REQUIREMENTS:
        organisation = Organisation.objects.get(organisation_number=number)
        proposer = organisation.memberships.select_related("user").first()
        requirement, _ = CompetenceRequirement.objects.update_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "importance": importance,
                "description": description,
                "status": CompetenceRequirement.Status.ACCEPTED,
                "proposed_by": proposer.user if proposer else None,
                "decided_by": lead,
                "decided_at": timezone.now(),
            },
        )
        requirement.programmes.set(
            programmes.values() if slugs == "all" else [programmes[s] for s in slugs]
        )
        for code in codes:
            Coverage.objects.get_or_create(requirement=requirement, course=courses[code])
    areas = load_areas(courses)
    for requirement in CompetenceRequirement.objects.filter(title__in=REQUIREMENT_AREAS):
        requirement.areas.add(*[areas[name] for name in REQUIREMENT_AREAS[requirement.title]])
    stdout.write(
        f"  {len(PROGRAMMES)} programmes, {len(COURSES)} courses, {len(REQUIREMENTS)} requirements,"
        f" {len(AREAS)} competence areas"
    )


def load_areas(courses):
    """The competence areas, with the demo courses tagged; {Swedish name: area}."""
    areas = {}
    concepts = {c.concept_id: c for c in TaxonomyConcept.objects.all()}
    for order, (name_sv, name_en, code, occupation, concept, names) in enumerate(AREAS, start=1):
        areas[name_sv], _ = CompetenceArea.objects.update_or_create(
            name_sv=name_sv,
            defaults={
                "name_en": name_en,
                "ssyk_code": code,
                "occupation": occupation,
                "concept": concepts.get(concept),
                "order": order * 10,
            },
        )
        areas[name_sv].courses.add(*[courses[n] for n in names])
    return areas
