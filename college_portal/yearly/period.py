"""The report's period: a year as a date range (inclusive), the calendar year by default."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    year: int
    start: datetime.date = field(default=None)
    end: datetime.date = field(default=None)

    def __post_init__(self):
        if self.start is None:
            object.__setattr__(self, "start", datetime.date(self.year, 1, 1))
        if self.end is None:
            object.__setattr__(self, "end", datetime.date(self.year, 12, 31))

    def contains(self, day):
        """`day` (a date, or an aware datetime taken in Stockholm time) lies in the period."""
        if isinstance(day, datetime.datetime):
            day = timezone.localtime(day).date()
        return self.start <= day <= self.end

    def overlaps(self, start, end):
        """A validity from `start` to `end` (inclusive; None: open) meets the period."""
        return (start is None or start <= self.end) and (end is None or end >= self.start)

    @property
    def start_datetime(self):
        """Midnight starting the period, aware, in the current time zone (Stockholm)."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_datetime(self):
        """Midnight after the period's last day (exclusive bound for DateTimeFields)."""
        next_day = self.end + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))

    def date_q(self, field_name):
        """Filter kwargs for a DateField inside the period: `filter(**period.date_q("day"))`."""
        return {f"{field_name}__gte": self.start, f"{field_name}__lte": self.end}

    def datetime_q(self, field_name):
        """Filter kwargs for a DateTimeField inside the period (Stockholm days)."""
        return {f"{field_name}__gte": self.start_datetime, f"{field_name}__lt": self.end_datetime}
