"""`{{ when|day }}` and `{{ when|day_time }}`: Attune's one way of writing dates (a builtin, so
every template has them without loading)."""

from __future__ import annotations

from datetime import date, datetime

from django import template

from attune.core import dates

register = template.Library()


@register.filter(name="day")
def day(value: date | datetime | None) -> str:
    return dates.day(value) if isinstance(value, date) else ""


@register.filter(name="day_time")
def day_time(value: datetime | None) -> str:
    return dates.day_time(value) if isinstance(value, datetime) else ""
