"""What the surveys add to the shell: a table in the partnership report, evidence for the
yearly report's criterion 1 and their part of a person's data."""

from college_portal.registry import (
    register_personal_data,
    register_report_section,
    register_yearly_evidence,
)

from . import personal_data
from .report import satisfaction_evidence, satisfaction_section


def register():
    register_report_section(satisfaction_section, order=80)
    register_yearly_evidence(1, satisfaction_evidence, order=50)
    register_personal_data(personal_data.export, personal_data.erase, order=70)
