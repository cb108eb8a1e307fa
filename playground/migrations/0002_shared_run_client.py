"""Shared runs remember a keyed hash of the sharer's address, for the per-address rate limit."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("playground", "0001_shared_run")]  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="sharedrun",
            name="client",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddIndex(
            model_name="sharedrun",
            index=models.Index(fields=["client", "created"], name="sharedrun_client_created"),
        ),
    ]
