"""Classroom rooms: stored so that a room survives a server restart."""

from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []  # noqa: RUF012

    operations = [  # noqa: RUF012
        migrations.CreateModel(
            name="Room",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=8, unique=True)),
                ("secret_hash", models.CharField(blank=True, default="", max_length=64)),
                ("link", models.CharField(blank=True, max_length=32, null=True, unique=True)),
                ("manifest", models.TextField()),
                ("seed", models.BigIntegerField(blank=True, null=True)),
                ("horizon", models.FloatField(blank=True, null=True)),
                ("speed", models.FloatField(default=5.0)),
                ("actions", models.JSONField(default=list)),
                ("moment", models.FloatField(default=0.0)),
                ("view", models.JSONField(blank=True, null=True)),
                ("predictions", models.JSONField(default=list)),
                ("owner", models.CharField(blank=True, default="", max_length=200)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("last_activity", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [models.Index(fields=["last_activity"], name="room_last_activity")],
            },
        ),
    ]
