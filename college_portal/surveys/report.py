"""The satisfaction index: the mean of the four questions scaled to 0–100, per programme,
company and year, never from fewer than MIN_GROUP answers. For the partnership report (leads
only) and the yearly report's criterion 1 (Kvalitetssäkrad process)."""

from django.db.models import Avg, Count, F
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from college_portal.reports import Section, Table

from .models import SurveyAnswer

MIN_GROUP = 5


def index_of(mean):
    """(mean − 1) / 4 × 100 of a mean on the 1–5 scale, rounded."""
    return round((mean - 1) / 4 * 100)


def _mean_expression():
    return (F("expectations") + F("learning") + F("communication") + F("recommend")) / 4.0


def groups(answers, field):
    """(label value, answers, index or None) per value of `field`; None where the group, or
    the suppressed groups together, would give a figure from fewer than MIN_GROUP answers."""
    rows = list(
        answers.values(field).annotate(n=Count("pk"), mean=Avg(_mean_expression())).order_by(field)
    )
    shown = {i for i, row in enumerate(rows) if row["n"] >= MIN_GROUP}
    # Secondary suppression: one small group hidden beside a total shown elsewhere could be
    # worked out by subtraction, so hide the smallest shown groups until those hidden hold at
    # least MIN_GROUP answers together.
    while shown and 0 < sum(r["n"] for i, r in enumerate(rows) if i not in shown) < MIN_GROUP:
        shown.remove(min(shown, key=lambda i: rows[i]["n"]))
    return [
        (row[field], row["n"], index_of(row["mean"]) if i in shown else None)
        for i, row in enumerate(rows)
    ]


def _table(caption, heading, rows, label):
    fewer = _("fewer than %(n)d answers") % {"n": MIN_GROUP}
    return Table(
        caption,
        [heading, _("Answers"), _("Satisfaction index (0–100)")],
        [
            [label(value), n, index] if index is not None else [label(value), fewer, fewer]
            for value, n, index in rows
        ],
    )


def _names(model, ids):
    return dict(model.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def tables(answers, *, per_year=True):
    from partners.models import Organisation
    from programs.models import Programme

    by_programme = groups(answers, "programme")
    by_company = groups(answers, "organisation")
    programmes = _names(Programme, [v for v, _n, _i in by_programme])
    companies = _names(Organisation, [v for v, _n, _i in by_company])
    result = [
        _table(
            _("Satisfaction index per programme"),
            _("Programme"),
            by_programme,
            lambda pk: programmes.get(pk) or _("No programme"),
        ),
        _table(
            _("Satisfaction index per company"),
            _("Company"),
            by_company,
            lambda pk: companies.get(pk) or _("Company no longer in the portal"),
        ),
    ]
    if per_year:
        by_year = groups(answers.annotate(year=ExtractYear("event_date")), "year")
        result.append(
            _table(_("Satisfaction index per year"), _("Year"), by_year, lambda y: str(y))
        )
    return result


def satisfaction_section():
    return Section(
        key="satisfaction",
        title=_("Satisfaction surveys"),
        tables=tables(SurveyAnswer.objects.all()),
    )


def satisfaction_evidence(period):
    """Criterion 1: the index of the answers about events in `period`; no table in a year
    without answers (the report then says the portal holds no evidence)."""
    answers = SurveyAnswer.objects.filter(event_date__gte=period.start, event_date__lte=period.end)
    if not answers.exists():
        return []
    result = tables(answers, per_year=False)
    for table in result:
        table.caption = f"{table.caption} ({period.year})"
    return result
