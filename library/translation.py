"""The description of a picture, in every language of settings.LANGUAGES."""

from modeltranslation.translator import TranslationOptions, register

from .models import Picture


@register(Picture)
class PictureTranslation(TranslationOptions):
    fields = ["alt"]
