"""The texts editors write, in every language of settings.LANGUAGES (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Page, Resource, SiteSettings, Update


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ["title", "nav_title", "summary", "body"]


@register(Resource)
class ResourceTranslation(TranslationOptions):
    fields = ["title", "summary"]


@register(Update)
class UpdateTranslation(TranslationOptions):
    fields = ["title", "summary", "body", "place", "image_alt"]


@register(SiteSettings)
class SiteSettingsTranslation(TranslationOptions):
    fields = ["video_caption"]
