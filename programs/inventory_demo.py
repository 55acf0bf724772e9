"""Demo needs inventory: last year's round, closed, answered by the four demo companies, and
this year's round open for another month, answered by all but LK Precision, so LK Precision's
representative (lk@example.org) finds it as a task on the dashboard, and the public page shows
figures for turning and milling (three companies answered each)."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from college_portal.accounts.models import User
from partners.models import Organisation

from .inventory import default_asked
from .models import CompetenceArea, InventoryRound, NeedAnswer

LK, SM = "556712-3459", "556834-5671"
HV, NS = "556901-2346", "556745-6784"  # Huddinge Verktyg och Fräs, Nykvarn Svarvteknik

# Per round (years ago), the answers: organisation number, area (Swedish name), 1/3/5 years, comment.
ANSWERS = {
    1: [
        (LK, "CNC-fräsning", 2, 5, 8, "Två nya fleroperationsmaskiner under året."),
        (LK, "Mätteknik och kvalitet", 1, 2, 3, ""),
        (LK, "CNC-svarvning", 1, 3, 4, ""),
        (SM, "CNC-svarvning", 3, 6, 9, "Pensionsavgångar i svarvavdelningen."),
        (SM, "Svetsning", 1, 2, 4, ""),
        (HV, "CNC-fräsning", 2, 4, 6, ""),
        (NS, "CNC-svarvning", 2, 4, 6, ""),
    ],
    0: [
        (SM, "CNC-svarvning", 2, 5, 8, "Fler pensionsavgångar än väntat."),
        (SM, "CNC-fräsning", 1, 3, 5, ""),
        (SM, "Automation", 0, 2, 4, "Robotcell planeras 2028."),
        (SM, "Svetsning", 1, 2, 3, ""),
        (HV, "CNC-fräsning", 2, 5, 7, "Nya kunder inom medicinteknik."),
        (HV, "CNC-svarvning", 1, 2, 3, ""),
        (NS, "CNC-svarvning", 3, 6, 10, "Ett andra skift från hösten."),
        (NS, "CNC-fräsning", 1, 2, 2, ""),
    ],
}


def load(stdout):
    today = timezone.localdate()
    lead = User.objects.filter(email="lead@example.org").first()
    areas = {area.name_sv: area for area in CompetenceArea.objects.all()}
    organisations = {
        o.organisation_number: o
        for o in Organisation.objects.filter(organisation_number__in=[LK, SM, HV, NS])
    }
    for years_ago, answers in ANSWERS.items():
        year = today.year - years_ago
        if years_ago:  # last year's: answered in October, over by the end of November
            opened_at = timezone.make_aware(datetime(year, 10, 1, 9, 0))
            deadline = date(year, 11, 30)
        else:
            opened_at = timezone.now() - timedelta(days=7)
            deadline = today + timedelta(days=30)
        inventory_round, created = InventoryRound.objects.get_or_create(
            title=f"Behovsinventering {year}",
            year=year,
            defaults={"deadline": deadline, "opened_by": lead, "opened_at": opened_at},
        )
        if created:
            inventory_round.asked.set(default_asked())
        for number, area, one, three, five, comment in answers:
            organisation = organisations[number]
            member = organisation.memberships.select_related("user").first()
            NeedAnswer.objects.get_or_create(
                round=inventory_round,
                organisation=organisation,
                area=areas[area],
                current=True,
                defaults={
                    "within_1_year": one,
                    "within_3_years": three,
                    "within_5_years": five,
                    "comment": comment,
                    "answered_by": member.user if member else None,
                    "answered_at": inventory_round.opened_at + timedelta(days=2),
                },
            )
    stdout.write(f"  {len(ANSWERS)} needs inventory rounds")
