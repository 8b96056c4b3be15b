"""Every partner's logo uploaded before the library becomes a logo of the library.

The partners keep the files they had, under the same names: no public address changes.
"""

from pathlib import PurePath

from django.conf import settings
from django.db import migrations


def move_into_library(apps, schema_editor):
    Picture = apps.get_model("library", "Picture")
    Partner = apps.get_model("partners", "Partner")
    for partner in Partner.objects.exclude(logo="").filter(logo_picture=None).order_by("pk"):
        picture = Picture.objects.filter(file=partner.logo.name).first()
        if picture is None:
            try:
                size = partner.logo.size
            except OSError:
                size = 0
            picture = Picture.objects.create(
                kind="logo",
                file=partner.logo.name,
                name=PurePath(partner.logo.name).name,
                alt=partner.name,
                **{f"alt_{settings.LANGUAGE_CODE}": partner.name},
                width=partner.logo_width,
                height=partner.logo_height,
                size=size,
                renditions={},
            )
        Partner.objects.filter(pk=partner.pk).update(logo_picture=picture)


def leave_library(apps, schema_editor):
    """The partners keep their files; only the library's logos go."""
    apps.get_model("partners", "Partner").objects.update(logo_picture=None)
    Picture = apps.get_model("library", "Picture")
    Picture.objects.filter(kind="logo", updates=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_picture_kind"),
        ("partners", "0016_logo_picture"),
    ]

    operations = [migrations.RunPython(move_into_library, leave_library)]
