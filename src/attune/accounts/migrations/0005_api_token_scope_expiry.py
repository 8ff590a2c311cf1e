"""Tokens get a scope and an expiry. Tokens made before could write and never expired: they keep
writing, and expire 90 days after they were made (so an old, forgotten one stops working)."""

from datetime import timedelta
from typing import Any

from django.db import migrations, models
from django.db.models import F


def existing_tokens(apps: Any, schema_editor: Any) -> None:
    token_model = apps.get_model("accounts", "ApiToken")
    token_model.objects.update(scope="write", expires_at=F("created_at") + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_service_require_mfa"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=8,
            ),
        ),
        migrations.RunPython(existing_tokens, migrations.RunPython.noop),
    ]
