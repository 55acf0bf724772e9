"""The yearly report's part of a person's data: the assessments they wrote and the years they
froze. Deleting the account keeps the texts (the steering group's account of a year) but no
longer says who wrote them, in the live history and in frozen snapshots alike."""

from django.db import transaction

from .models import CriterionAssessment, FrozenReport


def export(user):
    return "yearly_report", {
        "assessments": [
            {
                "year": a.year,
                "criterion": a.criterion,
                "text": a.text,
                "written_at": a.written_at.isoformat(),
            }
            for a in CriterionAssessment.objects.filter(written_by=user).order_by("written_at")
        ],
        "froze_years": list(
            FrozenReport.objects.filter(frozen_by=user).values_list("year", flat=True)
        ),
    }


def _forget(snapshot, user_id):
    changed = False
    if snapshot.get("frozen_by_id") == user_id:
        snapshot["frozen_by"], snapshot["frozen_by_id"] = "", None
        changed = True
    for language in snapshot.get("languages", {}).values():
        for criterion in language["criteria"]:
            assessment = criterion.get("assessment")
            if assessment and assessment.get("written_by_id") == user_id:
                assessment["written_by"], assessment["written_by_id"] = "", None
                changed = True
    return changed


@transaction.atomic
def erase(user):
    CriterionAssessment.objects.filter(written_by=user).update(written_by=None)
    for report in FrozenReport.objects.select_for_update():
        if _forget(report.snapshot, user.pk):
            report.save(update_fields=["snapshot"])
    FrozenReport.objects.filter(frozen_by=user).update(frozen_by=None)
