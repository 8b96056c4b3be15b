"""How a field in one language is labelled in the admin: "Title (English)", "Titre (anglais)"."""

from django.utils.translation import gettext, pgettext

LANGUAGE_NAMES = {
    "en": lambda: pgettext("language named in a field label", "English"),
    "fr": lambda: pgettext("language named in a field label", "French"),
    "es": lambda: pgettext("language named in a field label", "Spanish"),
}


def label_in_language(verbose_name, code):
    """django-modeltranslation's label of a translated field (its default is "title [en]")."""
    language = LANGUAGE_NAMES[code]() if code in LANGUAGE_NAMES else code
    return gettext("%(field)s (%(language)s)") % {"field": verbose_name, "language": language}
