from django.db import migrations, models

from genmig.groups import grant


def allow_editors(apps, schema_editor):
    grant(apps, "Content editors", {"pages": {"linkcheck": ["view"]}})


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0010_events_images"),
        ("partners", "0003_content_editors_group"),
    ]

    operations = [
        migrations.CreateModel(
            name="LinkCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(max_length=2000, unique=True, verbose_name="address")),
                ("checked_at", models.DateTimeField(verbose_name="last checked")),
                ("broken", models.BooleanField(default=False, verbose_name="broken")),
                (
                    "status",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="answer (HTTP status)"
                    ),
                ),
                ("error", models.CharField(blank=True, max_length=300, verbose_name="problem")),
                (
                    "places",
                    models.JSONField(blank=True, default=list, verbose_name="where it is used"),
                ),
            ],
            options={
                "verbose_name": "checked link",
                "verbose_name_plural": "checked links",
                "ordering": ["-broken", "url"],
            },
        ),
        migrations.RunPython(allow_editors, migrations.RunPython.noop),
    ]
