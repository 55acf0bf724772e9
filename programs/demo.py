"""Demo curricula: machining education in Södertälje and Huddinge, with courses, intakes and
requirements from the two demo companies (some covered, some gaps)."""

from datetime import timedelta

from django.utils import timezone

from college_portal.accounts.models import User
from partners.models import Organisation

from .models import (
    CompetenceArea,
    CompetenceRequirement,
    Course,
    Coverage,
    Intake,
    Programme,
    ProgrammeCourse,
)

# Competence areas: Swedish and English name, SSYK 2012 code and occupation where the code is
# certain (blank otherwise: a code list comes later), and the demo courses teaching each.
# Welding and automation are taught by no demo course: demand there meets no supply.
AREAS = [
    ("CNC-svarvning", "CNC turning", "8211", "Maskinställare och maskinoperatörer, metallarbete",
     ["DATDAT01", "DATDAT02", "DATDAT03"]),
    ("CNC-fräsning", "CNC milling", "8211", "Maskinställare och maskinoperatörer, metallarbete",
     ["DATDAT01", "DATDAT02", "DATDAT03"]),
    ("Mätteknik och kvalitet", "Measuring and quality", "", "", ["MÄTMÄT0"]),
    ("CAM-programmering", "CAM programming", "", "", ["CADCAD0"]),
    ("Ritningsläsning", "Drawing reading", "", "", ["RITRIT0"]),
    ("Maskinunderhåll", "Machine maintenance", "7233", "Underhållsmekaniker och maskinreparatörer",
     ["PRUPRO0"]),
    ("Automation", "Automation", "", "", []),
    ("Svetsning", "Welding", "7212", "Svetsare och gasskärare", []),
]  # fmt: skip

COURSES = [
    # code, name, points, subject area, description
    ("PRDPRD0", "Produktionskunskap 1", 100, "production", "Grunderna i industriell produktion: flöden, kvalitet och ständiga förbättringar."),
    ("PRUPRO0", "Produktionsutrustning 1", 100, "production", "Maskiner och verktyg i verkstaden, skötsel och säkerhet."),
    ("DATDAT01", "Datorstyrd produktion 1", 100, "cnc", "CNC-svarvning och CNC-fräsning: uppställning, nollpunkter och körning av program."),
    ("DATDAT02", "Datorstyrd produktion 2", 100, "cnc", "Programmering av CNC-maskiner, fleroperationsmaskiner och optimering av bearbetning."),
    ("DATDAT03", "Datorstyrd produktion 3", 100, "cnc", "Femaxlig fräsning och avancerad svarvning med drivna verktyg."),
    ("SKÄSKÄ0", "Skärande bearbetning 1", 100, "cnc", "Svarvning, fräsning och borrning i konventionella maskiner."),
    ("MÄTMÄT0", "Mätteknik 1", 100, "measurement", "Mätning med skjutmått, mikrometer och mätmaskin (CMM); mätosäkerhet."),
    ("RITRIT0", "Ritteknik", 50, "drawings", "Läsa och tolka ritningar, toleranser och ytjämnhet enligt ISO GPS."),
    ("CADCAD0", "CAD/CAM 1", 100, "cad_cam", "Från 3D-modell till verktygsbanor och NC-program."),
    ("INDIND0", "Industriella processer", 100, "production", "Materialkunskap, värmebehandling och ytbehandling."),
    ("ARBARB0", "Arbetsmiljö och säkerhet", 50, "safety", "Riskbedömning, skyddsutrustning och säkert arbete vid maskiner."),
]  # fmt: skip

PROGRAMMES = [
    # slug, name, level, provider number, municipality, weeks, courses, description
    ("industritekniska-programmet-sodertalje", "Industritekniska programmet – produkt- och maskinteknik", "gymnasieskola",
     "556923-4569", "Södertälje", 120,
     ["PRDPRD0", "PRUPRO0", "SKÄSKÄ0", "DATDAT01", "DATDAT02", "MÄTMÄT0", "RITRIT0", "ARBARB0"],
     "Treårigt gymnasieprogram med inriktning produkt- och maskinteknik. Eleverna lär sig CNC-svarvning, fräsning och mätning med APL hos företag i Södertälje."),
    ("industritekniska-programmet-huddinge", "Industritekniska programmet – produkt- och maskinteknik (Huddinge)", "gymnasieskola",
     "556812-3490", "Huddinge", 120,
     ["PRDPRD0", "PRUPRO0", "SKÄSKÄ0", "DATDAT01", "MÄTMÄT0", "RITRIT0", "ARBARB0"],
     "Gymnasieprogram med skärande bearbetning och arbetsplatsförlagt lärande i Huddinge."),
    ("cnc-operator-yrkesvux", "CNC-operatör (yrkesvux)", "komvux",
     "556923-4569", "Södertälje", 40,
     ["SKÄSKÄ0", "DATDAT01", "DATDAT02", "MÄTMÄT0", "RITRIT0", "ARBARB0"],
     "Yrkesutbildning för vuxna som vill arbeta som CNC-operatör. Fräsning och svarvning i moderna maskiner, på heltid i 40 veckor."),
    ("cnc-tekniker-yh", "CNC-tekniker och produktionsteknik (YH)", "yh",
     "556812-3490", "Huddinge", 80,
     ["DATDAT02", "DATDAT03", "CADCAD0", "MÄTMÄT0", "RITRIT0", "INDIND0", "PRDPRD0"],
     "Yrkeshögskoleutbildning för CNC-tekniker: programmering, CAD/CAM, femaxlig fräsning och produktionsteknik."),
]  # fmt: skip

REQUIREMENTS = [
    # org number, title, importance, description, programme slugs, covering course codes
    ("556712-3459", "Läser ritningar enligt ISO GPS", 3, "Tolkar mått, toleranser och ytkrav på ritningar.", "all", ["RITRIT0"]),
    ("556712-3459", "Ställer upp och kör en femaxlig CNC-fräs", 3, "Nollpunkter, verktygsmätning och körning av femaxliga program.", "all", ["DATDAT03"]),
    ("556712-3459", "Mäter med koordinatmätmaskin (CMM)", 2, "Mäter detaljer i CMM och tolkar mätprotokoll.", "all", ["MÄTMÄT0"]),
    ("556834-5671", "Grundläggande CNC-svarvning med drivna verktyg", 2, "Svarvning av detaljer i korta serier.", "all", ["DATDAT01", "DATDAT03"]),
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
    courses = {}
    for code, name, points, area, description in COURSES:
        courses[code], _ = Course.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "points": points,
                "subject_area": area,
                "description": description,
            },
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
    for order, (name_sv, name_en, code, occupation, course_codes) in enumerate(AREAS, start=1):
        areas[name_sv], _ = CompetenceArea.objects.update_or_create(
            name_sv=name_sv,
            defaults={
                "name_en": name_en,
                "ssyk_code": code,
                "occupation": occupation,
                "order": order * 10,
            },
        )
        areas[name_sv].courses.add(*[courses[c] for c in course_codes])
    return areas
