"""Teknikcollege Sverige's eight certification criteria, in their order."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Criterion:
    number: int
    name: str  # lazy: Swedish or English by the active language


CRITERIA = [
    Criterion(1, _("Quality-assured process")),
    Criterion(2, _("Regional collaboration")),
    Criterion(3, _("Organisation and steering")),
    Criterion(4, _("Industry's competence needs")),
    Criterion(5, _("Programmes and their dimensioning")),
    Criterion(6, _("Creative and stimulating learning environment")),
    Criterion(7, _("Education within Teknikcollege")),
    Criterion(8, _("Working life's participation in education")),
]

CRITERION_NUMBERS = [c.number for c in CRITERIA]


def criterion(number):
    return CRITERIA[number - 1]
