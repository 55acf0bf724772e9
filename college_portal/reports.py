"""The partnership report: sections registered by each app, shown as tables with SVG charts.

Adding a section is one function returning a `Section`, registered with
`college_portal.registry.register_report_section` from the app's `hooks.register()`.
"""

from dataclasses import dataclass, field

from .registry import report_sections


class Flag(str):
    """A cell that needs attention (a rule broken): shown highlighted, exported as its text."""

    flag = True


@dataclass
class Table:
    caption: str
    headers: list
    rows: list
    chart: bool = False  # a bar chart of the rows' first (label) and second (number) columns

    @property
    def bars(self):
        values = [row[1] for row in self.rows]
        top = max(values, default=0) or 1
        return [
            {"label": row[0], "value": row[1], "width": round(100 * row[1] / top, 1), "y": i * 28}
            for i, row in enumerate(self.rows)
        ]

    @property
    def chart_height(self):
        return max(28, 28 * len(self.rows))


@dataclass
class Section:
    key: str
    title: str
    tables: list = field(default_factory=list)


def build_report():
    return report_sections()


def report_rows_for_csv(sections):
    """All tables one after another: section and caption, header, rows, blank line."""
    for section in sections:
        for table in section.tables:
            yield [section.title, table.caption]
            yield table.headers
            yield from table.rows
            yield []
