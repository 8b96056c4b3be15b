"""Every lead image and resource file uploaded before the library becomes a library item.

The items keep the files they had, under the same names: no public address changes.
"""

from pathlib import PurePath

from django.conf import settings
from django.db import migrations


def sizes(info):
    return sum(size for entries in info.get("sources", {}).values() for *_n, size in entries)


def move_into_library(apps, schema_editor):
    Picture = apps.get_model("library", "Picture")
    Document = apps.get_model("library", "Document")
    Update = apps.get_model("pages", "Update")
    Resource = apps.get_model("pages", "Resource")
    codes = [code for code, _name in settings.LANGUAGES]
    for update in Update.objects.exclude(image="").filter(picture=None).order_by("pk"):
        info = update.image_renditions or {}
        picture = Picture.objects.filter(file=update.image).first()
        if picture is None:
            alts = {f"alt_{code}": getattr(update, f"image_alt_{code}", "") for code in codes}
            picture = Picture.objects.create(
                file=update.image.name,
                name=PurePath(update.image.name).name,
                alt="" if update.image_decorative else alts[f"alt_{settings.LANGUAGE_CODE}"],
                width=info.get("width"),
                height=info.get("height"),
                size=sizes(info),
                renditions=info,
                **({} if update.image_decorative else alts),
            )
        Update.objects.filter(pk=update.pk).update(picture=picture)
    for resource in Resource.objects.exclude(file="").filter(document=None).order_by("pk"):
        document = Document.objects.filter(file=resource.file).first()
        if document is None:
            try:
                size = resource.file.size
            except OSError:
                size = 0
            document = Document.objects.create(
                file=resource.file.name,
                title=getattr(resource, f"title_{settings.LANGUAGE_CODE}", "") or resource.title,
                size=size,
            )
        Resource.objects.filter(pk=resource.pk).update(document=document)


def leave_library(apps, schema_editor):
    """The items keep their files; only the library's rows go."""
    apps.get_model("pages", "Update").objects.update(picture=None)
    apps.get_model("pages", "Resource").objects.update(document=None)
    apps.get_model("library", "Picture").objects.all().delete()
    apps.get_model("library", "Document").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("pages", "0021_library_references"),
    ]

    operations = [migrations.RunPython(move_into_library, leave_library)]
