from django.db import migrations, models


def fill_hashes(apps, schema_editor):
    from pages.models.links import address_hash

    LinkCheck = apps.get_model("pages", "LinkCheck")
    for check in LinkCheck.objects.only("pk", "url"):
        LinkCheck.objects.filter(pk=check.pk).update(url_hash=address_hash(check.url))


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0012_markdown_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="linkcheck",
            name="url_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill_hashes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="linkcheck",
            name="url",
            field=models.URLField(max_length=2000, verbose_name="address"),
        ),
        migrations.AlterField(
            model_name="linkcheck",
            name="url_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
