"""Shared runs: a short link to (manifest, seed, horizon, action log, moment)."""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="SharedRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.CharField(editable=False, max_length=32, unique=True)),
                ("digest", models.CharField(editable=False, max_length=64, unique=True)),
                ("manifest", models.TextField()),
                ("seed", models.BigIntegerField(blank=True, null=True)),
                ("horizon", models.FloatField(blank=True, null=True)),
                ("actions", models.JSONField(default=list)),
                ("moment", models.FloatField(default=0.0)),
                ("speed", models.FloatField(default=5.0)),
                ("created", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ("-created",),
            },
        ),
    ]
