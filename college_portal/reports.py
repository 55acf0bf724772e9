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

    @property
    def header_cells(self):
        """(header, numeric) per column: a column of figures aligns right, its header too."""
        numeric = [
            bool(self.rows) and all(_is_number(row[i]) for row in self.rows if i < len(row))
            for i in range(len(self.headers))
        ]
        return [(header, i > 0 and numeric[i]) for i, header in enumerate(self.headers)]

    @property
    def cell_rows(self):
        """(cell, numeric) per cell of each row: figures right, text left."""
        return [[(cell, _is_number(cell)) for cell in row] for row in self.rows]


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
