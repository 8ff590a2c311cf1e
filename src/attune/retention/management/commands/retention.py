from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from attune.consent.models import DeletionStatus, MediaDeletion
from attune.core.dates import day_time
from attune.retention.services import retention_sweep


class Command(BaseCommand):
    help = "Retention: delete the media that is due (`sweep`) or list what is coming (`list`)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sweep", help="Destroy every case's media whose deletion is due now.")
        sub.add_parser("list", help="List the deletions still to come.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "sweep":
            receipts = retention_sweep()
            for receipt in receipts:
                self.stdout.write(
                    f"{receipt.case.reference}: {receipt.object_count} object(s), "
                    f"{receipt.total_bytes} bytes destroyed ({receipt.reason})"
                )
            self.stdout.write(f"{len(receipts)} case(s) swept.")
            return
        rows = MediaDeletion.objects.filter(
            status__in=[DeletionStatus.WAITING, DeletionStatus.SCHEDULED]
        ).select_related("case")
        now = timezone.now()
        for row in rows.order_by("due_at", "pk"):
            if row.due_at is None:
                when = f"{row.retention_days} day(s) after the case closes"
            elif row.due_at <= now:
                when = "due now"
            else:
                when = day_time(row.due_at)
            self.stdout.write(f"{row.case.reference}\t{row.get_reason_display()}\t{when}")
