"""How Attune writes a date for people: "1 Dec 2026", and "1 Dec 2026, 18:35" with the time, in
Europe/London. One module, so a page, a receipt and a message never disagree."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def day(value: date | datetime | None) -> str:
    """ "1 Dec 2026" (no leading zero); "" for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.day} {value:%b %Y}"


def day_time(value: datetime | None) -> str:
    """ "1 Dec 2026, 18:35" in local time; "" for no time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local.date())}, {local:%H:%M}"
