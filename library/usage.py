"""Where the library's files are used: by items (a protected key) and inside texts."""

import re

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

# A picture placed in a text: a line of its own, `[[image:42]]`.
SHORTCODE = re.compile(r"\[\[image:(\d+)\]\]")


def shortcode(picture_id):
    return f"[[image:{picture_id}]]"


def texts_with_picture(model, picture_id):
    """The rows of `model` whose text, in any language, places the picture."""
    condition = Q()
    for code, _name in settings.LANGUAGES:
        condition |= Q(**{f"body_{code}__contains": shortcode(picture_id)})
    return model._default_manager.filter(condition)


def picture_uses(picture):
    """[(label, admin address)] of every item that shows the picture."""
    from pages.models import Page, Update

    from .drafted import drafts_using

    uses = [(update, "lead image") for update in picture.updates.all()]
    uses += [(partner, "logo") for partner in picture.partners.all()]
    for model in (Page, Update):
        uses += [(row, "text") for row in texts_with_picture(model, picture.pk)]
    uses += drafts_using(picture)
    return [(row, where, admin_url(row)) for row, where in uses]


def document_uses(document):
    from .drafted import drafts_using

    uses = [(resource, "file") for resource in document.resources.all()]
    uses += drafts_using(document)
    return [(row, where, admin_url(row)) for row, where in uses]


def admin_url(row):
    """The row's change form; for a draft, that of its item, where the draft is edited."""
    item = getattr(row, "item", None) if row._meta.label == "drafts.Draft" else None
    row = item or row
    opts = row._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])


def pictures_in_texts():
    """The numbers of every picture that some text places."""
    from pages.models import Page, Update

    found = set()
    for model in (Page, Update):
        fields = [f"body_{code}" for code, _name in settings.LANGUAGES]
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__contains": "[[image:"})
        for texts in model._default_manager.filter(condition).values_list(*fields):
            for text in texts:
                found |= {int(number) for number in SHORTCODE.findall(text or "")}
    return found
