"""A partner's logo is a logo of the library: an upload goes into it, scaled down as a logo."""

from pathlib import PurePath

from django.utils.text import slugify

from .choosing import _chosen
from .models import Picture


def _logo_from_upload(partner):
    picture = Picture(name=PurePath(partner.logo.name).name, alt=partner.name)
    picture.store_logo(partner.logo, slugify(partner.slug or partner.name)[:50] or "logo")
    return picture


def _logo_from_file(partner):
    picture = Picture(
        kind=Picture.Kind.LOGO,
        file=partner.logo.name,
        name=PurePath(partner.logo.name).name,
        alt=partner.name,
        width=partner.logo_width,
        height=partner.logo_height,
    )
    try:
        picture.size = partner.logo.size
    except OSError:
        picture.size = 0
    return picture


def use_library_logo(partner):
    """Before a partner is saved: its logo is the library's logo, and names the same file."""
    picture = _chosen(partner, "logo", "logo_picture", Picture, _logo_from_upload, _logo_from_file)
    if picture is not None and picture.pk is None:
        picture.save()
    partner.logo_picture = picture
    partner.logo = picture.file.name if picture else ""
    partner.logo_width = picture.width if picture else None
    partner.logo_height = picture.height if picture else None
