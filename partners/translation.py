"""The texts editors write, in every language of settings.LANGUAGES (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Benefit, Partner


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ["name", "description"]


@register(Benefit)
class BenefitTranslation(TranslationOptions):
    fields = ["text"]
