"""Demo supply: every demo programme had an intake starting on 20 August this year, with its
admitted students entered by the school (and, for the 40-week adult programme, those who
completed), so the demand/supply page has seats, admitted and completed to weigh the demo
needs inventory against. Idempotent: an intake per programme and start, one current figure."""

from datetime import date

from django.utils import timezone

from .models import Intake, Programme, SupplyFigure


def load(stdout):
    year = timezone.localdate().year
    start, deadline = date(year, 8, 20), date(year, 4, 15)
    count = 0
    for programme in Programme.objects.filter(published=True).select_related("provider"):
        seats = 30 if programme.level == "yh" else 16
        intake, _ = Intake.objects.get_or_create(
            programme=programme,
            start_date=start,
            defaults={
                "application_deadline": deadline,
                "seats": seats,
                "status": Intake.Status.CLOSED,
            },
        )
        staff = programme.provider.memberships.select_related("user").first()
        admitted = intake.seats - 2
        completed = admitted - 3 if programme.length_weeks <= 40 else 0
        SupplyFigure.objects.get_or_create(
            intake=intake,
            year=year,
            current=True,
            defaults={
                "admitted": admitted,
                "completed": completed,
                "entered_by": staff.user if staff else None,
            },
        )
        count += 1
    stdout.write(f"  {count} intakes with supply figures for {year}")
