"""A small labour market for the demand/supply tests: three competence areas, one needs
inventory of this year answered by three companies in Södertälje and two in Huddinge, and two
programmes (one teaching turning and milling in Södertälje, one teaching turning in Huddinge)
with this year's intakes and supply figures. Earlier answers and figures (history) and next
year's intake must count nowhere.

    turning (CNC-svarvning): need 30/60/90 (Södertälje 20/40/60 from 3 companies, Huddinge
        10/20/30 from 2); seats 16 + 8 = 24, admitted 14 + 8 = 22, completed 0 + 5 = 5
    milling (CNC-fräsning): need 6/7/8 (Huddinge, 2 companies); seats 16, admitted 14
    measuring: nothing stated, nothing taught
"""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from programs.models import ProgrammeCourse
from tests.factories import (
    CompetenceAreaFactory,
    CourseFactory,
    IntakeFactory,
    InventoryRoundFactory,
    NeedAnswerFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SchoolFactory,
    SupplyFigureFactory,
)

YEAR = timezone.localdate().year

SODERTALJE_TURNING = [(10, 20, 30), (6, 12, 18), (4, 8, 12)]
HUDDINGE_TURNING = [(7, 14, 21), (3, 6, 9)]
HUDDINGE_MILLING = [(5, 5, 5), (1, 2, 3)]


@dataclass
class Market:
    turning: object
    milling: object
    measuring: object
    round: object
    sodertalje: list
    huddinge: list
    programme_a: object
    programme_b: object
    intake_a: object
    intake_b: object


def intake(programme, seats, day):
    return IntakeFactory(
        programme=programme,
        seats=seats,
        start_date=day,
        application_deadline=date(day.year, 3, 1),
    )


def answer(round_, organisations, area, figures, comment=""):
    """Each organisation's current answer in `area`: its (1, 3, 5 years) figures, in order."""
    for organisation, (n1, n3, n5) in zip(organisations, figures, strict=True):
        NeedAnswerFactory(
            round=round_,
            organisation=organisation,
            area=area,
            within_1_year=n1,
            within_3_years=n3,
            within_5_years=n5,
            comment=comment,
        )


def build_market(school=None):
    turning = CompetenceAreaFactory(
        name_sv="CNC-svarvning", name_en="CNC turning", ssyk_code="7223", order=1
    )
    milling = CompetenceAreaFactory(name_sv="CNC-fräsning", name_en="CNC milling", order=2)
    measuring = CompetenceAreaFactory(
        name_sv="Mätning och kvalitet", name_en="Measuring and quality", order=3
    )
    round_ = InventoryRoundFactory(
        title="Behovsinventering", year=YEAR, deadline=date(YEAR, 12, 15)
    )
    sodertalje = [
        OrganisationFactory(name=f"Södertälje Verkstad {i} AB", municipality="Södertälje")
        for i in range(3)
    ]
    huddinge = [
        OrganisationFactory(name=f"Huddinge Fräs {i} AB", municipality="Huddinge") for i in range(2)
    ]
    answer(round_, sodertalje, turning, SODERTALJE_TURNING)
    answer(round_, huddinge, turning, HUDDINGE_TURNING)
    answer(
        round_,
        huddinge,
        milling,
        HUDDINGE_MILLING,
        comment="Vi behöver fler som kan fräsa i fem axlar.",
    )
    # An earlier answer, replaced: history, not need.
    NeedAnswerFactory(
        round=round_,
        organisation=sodertalje[0],
        area=turning,
        within_1_year=500,
        within_3_years=500,
        within_5_years=500,
        current=False,
    )

    school = school or SchoolFactory(name="Täljegymnasiet")
    programme_a = ProgrammeFactory(
        name="Industritekniska programmet", provider=school, municipality="Södertälje"
    )
    programme_b = ProgrammeFactory(
        name="CNC-operatör Huddinge",
        provider=SchoolFactory(name="Huddinge Vux"),
        municipality="Huddinge",
    )
    for programme, courses in (
        (programme_a, [("Svarvning 1", turning), ("Fräsning 1", milling), ("Svenska 1", None)]),
        (programme_b, [("CNC-teknik", turning)]),
    ):
        for order, (name, area) in enumerate(courses, start=1):
            course = CourseFactory(name=name)
            if area:
                course.areas.add(area)
            ProgrammeCourse.objects.create(programme=programme, course=course, order=order)
    intake_a = intake(programme_a, 16, date(YEAR, 8, 20))
    intake_b = intake(programme_b, 8, date(YEAR, 8, 21))
    intake(programme_a, 30, date(YEAR + 1, 8, 19))  # next year's: not this year's seats
    SupplyFigureFactory(intake=intake_a, year=YEAR, admitted=99, completed=99, current=False)
    SupplyFigureFactory(intake=intake_a, year=YEAR, admitted=14, completed=0)
    SupplyFigureFactory(intake=intake_b, year=YEAR, admitted=8, completed=5)
    return Market(
        turning=turning,
        milling=milling,
        measuring=measuring,
        round=round_,
        sodertalje=sodertalje,
        huddinge=huddinge,
        programme_a=programme_a,
        programme_b=programme_b,
        intake_a=intake_a,
        intake_b=intake_b,
    )
