"""The yearly report of one year: per criterion its evidence tables and the assessment, live
(computed for the year's dates) or, for a frozen year, from the stored snapshot.

Tables travel as plain dicts (`table_to_dict`), so the page shows the same thing whether the
year is live or frozen, and the snapshot is JSON."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from college_portal.registry import yearly_evidence
from college_portal.reports import Flag, Table

from .criteria import CRITERIA
from .models import CriterionAssessment, FrozenReport
from .period import Period


def _cell(value):
    if isinstance(value, Flag):
        return {"flag": str(value)}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)  # lazy translations and anything else: its text, now


def table_to_dict(table):
    return {
        "caption": str(table.caption),
        "headers": [str(h) for h in table.headers],
        "rows": [[_cell(c) for c in row] for row in table.rows],
        "chart": bool(getattr(table, "chart", False)),
    }


def table_from_dict(data):
    rows = [
        [Flag(c["flag"]) if isinstance(c, dict) and "flag" in c else c for c in row]
        for row in data["rows"]
    ]
    return Table(data["caption"], data["headers"], rows, chart=data.get("chart", False))


def person_name(user):
    return (user.full_name or user.email) if user else ""


def assessment_to_dict(row):
    if row is None:
        return None
    return {
        "text": row.text,
        "written_by": row.writer_name,
        "written_by_id": row.written_by_id,  # to forget the name if the account is deleted
        "written_at": row.written_at.isoformat(),
    }


def assessments_of(year):
    """{criterion: [versions, newest first]} of the year, in one query."""
    history = {c.number: [] for c in CRITERIA}
    for row in (
        CriterionAssessment.objects.filter(year=year)
        .select_related("written_by")
        .order_by("criterion", "-written_at", "-pk")
    ):
        history[row.criterion].append(row)
    return history


def live_criteria(period):
    """Each criterion's tables for `period`, in the active language, as dicts."""
    return [
        {
            "number": c.number,
            "tables": [table_to_dict(t) for t in yearly_evidence(c.number, period)],
        }
        for c in CRITERIA
    ]


@dataclass
class CriterionReport:
    number: int
    name: str
    tables: list
    assessment: dict | None  # text, written_by (a name), written_at (a datetime)
    history: list = field(default_factory=list)  # earlier CriterionAssessment rows

    @property
    def key(self):
        return f"criterion-{self.number}"


@dataclass
class YearlyReport:
    period: Period
    criteria: list
    frozen: FrozenReport | None = None

    @property
    def year(self):
        return self.period.year


def _shown_assessment(data):
    if not data:
        return None
    return {**data, "written_at": parse_datetime(data["written_at"])}


def build_report(year):
    """The report of `year` as the page, the PDF and the XLSX show it (active language)."""
    period = Period(year)
    frozen = FrozenReport.objects.select_related("frozen_by").filter(year=year).first()
    history = assessments_of(year)
    if frozen is not None:
        languages = frozen.snapshot["languages"]
        language = translation.get_language()
        stored = languages.get(language) or languages.get(settings.LANGUAGE_CODE)
        by_number = {c["number"]: c for c in stored["criteria"]}
    else:
        by_number = {c["number"]: c for c in live_criteria(period)}
        current = {n: assessment_to_dict(rows[0]) if rows else None for n, rows in history.items()}
    criteria = []
    for criterion in CRITERIA:
        stored = by_number.get(criterion.number, {"tables": [], "assessment": None})
        assessment = stored.get("assessment") if frozen else current[criterion.number]
        versions = history[criterion.number]
        criteria.append(
            CriterionReport(
                number=criterion.number,
                name=str(criterion.name),
                tables=[table_from_dict(t) for t in stored["tables"]],
                assessment=_shown_assessment(assessment),
                history=versions[1:] if versions else [],
            )
        )
    return YearlyReport(period=period, criteria=criteria, frozen=frozen)


def snapshot_of(year, frozen_by):
    """Every language's tables and the current assessments of `year`, as JSON-able data.
    Called by `freeze_year` inside its transaction."""
    period = Period(year)
    current = {n: rows[0] if rows else None for n, rows in assessments_of(year).items()}
    languages = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            criteria = live_criteria(period)
        for item in criteria:
            item["assessment"] = assessment_to_dict(current[item["number"]])
        languages[code] = {"criteria": criteria}
    return {
        "version": 1,
        "frozen_by": person_name(frozen_by),
        "frozen_by_id": frozen_by.pk if frozen_by else None,
        "computed_at": timezone.now().isoformat(),
        "languages": languages,
    }
