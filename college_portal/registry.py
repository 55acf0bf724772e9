"""The one registry through which higher apps add to the shared shell without being imported
by it. Each app fills it from its `AppConfig.ready()` (its `hooks.register()`), once.

- navigation: links per role in the site header;
- sections: panels on a shared page ("home", "dashboard", "programme_detail", ...), each a
  function of the request returning (template, context) or None;
- report sections: the partnership report's parts, each a function returning a `Section`;
- mail attachments: per notification kind, a function returning (filename, content, type)s;
- demo steps: what `load_demo` creates, in order;
- personal data: what each app exports about a person and how it anonymises them;
- yearly evidence: per Teknikcollege criterion (1..8), the tables of the yearly report.
"""

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple = ()  # empty: everyone, signed in or not
    staff_only: bool = False
    order: int = 100


@dataclass
class Registry:
    nav: list = field(default_factory=list)
    sections: dict = field(default_factory=lambda: defaultdict(list))
    report_sections: list = field(default_factory=list)
    attachments: dict = field(default_factory=dict)
    demo_steps: list = field(default_factory=list)
    personal_data: list = field(default_factory=list)
    yearly_evidence: dict = field(default_factory=lambda: defaultdict(list))


registry = Registry()


def _add(entries, order, func):
    if all(f != func for _o, f in entries):
        entries.append((order, func))
        entries.sort(key=lambda pair: pair[0])


def register_nav(item):
    if item not in registry.nav:
        registry.nav.append(item)
        registry.nav.sort(key=lambda i: i.order)


def register_section(page, func, order=100):
    """`func(request, **kwargs)` returns (template_name, context) or None."""
    _add(registry.sections[page], order, func)


def render_sections(page, request, **kwargs):
    """The sections of `page` that have something to show, as (template, context) pairs."""
    shown = []
    for _order, func in registry.sections[page]:
        section = func(request, **kwargs)
        if section is not None:
            shown.append(section)
    return shown


def register_report_section(func, order=100):
    """`func()` returns a `college_portal.reports.Section`."""
    _add(registry.report_sections, order, func)


def report_sections():
    return [func() for _order, func in registry.report_sections]


def register_attachments(kind, builder):
    """`builder(notification)` returns a list of (filename, content, mimetype)."""
    registry.attachments[kind] = builder


def attachments_for(notification):
    builder = registry.attachments.get(notification.kind)
    return builder(notification) if builder else []


def register_demo_step(func, order=100):
    """`func(stdout)` creates or updates demo data idempotently."""
    _add(registry.demo_steps, order, func)


def register_personal_data(export, erase, order=100):
    """`export(user)` returns (key, JSON-able data); `erase(user)` removes or anonymises the
    person's data of that app, keeping what statistics need."""
    _add(registry.personal_data, order, (export, erase))


YEARLY_CRITERIA = range(1, 9)


def register_yearly_evidence(criterion, func, order=100):
    """`func(period)` returns a list of `college_portal.reports.Table` for Teknikcollege's
    criterion `criterion` (1..8) over `period` (`.year`, `.start`, `.end`: dates, inclusive;
    `college_portal.yearly.period.Period`). Cells are plain strings and numbers, so a frozen
    year stores them as they were. Compute from the period's dates, never from "now"."""
    if criterion not in YEARLY_CRITERIA:
        raise ValueError(f"criterion must be 1..8, not {criterion!r}")
    _add(registry.yearly_evidence[criterion], order, func)


def yearly_evidence(criterion, period):
    """Every registered table of `criterion` for `period`, in registration order."""
    tables = []
    for _order, func in registry.yearly_evidence[criterion]:
        tables.extend(func(period) or [])
    return tables
