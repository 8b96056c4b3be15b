import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import translate_url
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from genmig.query import page_address
from pages import dates
from pages.chart import female_share_chart

register = template.Library()

JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("pages/includes/female_share_chart.html")
def female_migrant_share_chart():
    return {"chart": female_share_chart()}


@register.simple_tag(takes_context=True)
def organization_json_ld(context):
    """schema.org data on GenMig as part of IOM, for search engines."""
    request = context["request"]
    site_settings = context.get("site_settings")
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "GenMig – Gender and Migration Research Policy Action Lab",
        "alternateName": "GenMig",
        "url": request.build_absolute_uri("/"),
        "logo": request.build_absolute_uri(static("img/share.png")),
        "email": site_settings.contact_email if site_settings else settings.CONTACT_EMAIL,
        "parentOrganization": {
            "@type": "Organization",
            "name": "International Organization for Migration (IOM)",
            "url": "https://www.iom.int/",
        },
        "sameAs": [url for _label, url in site_settings.social_links] if site_settings else [],
    }
    # Escaped like Django's json_script, so no text can close the <script> element early.
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each of the site's languages: code, name in that language, address."""
    url = page_address(context["request"])
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(url, code),
        }
        for code, _name in settings.LANGUAGES
    ]


@register.simple_tag(name="page_address", takes_context=True)
def page_address_tag(context):
    """This page's address with only the query parameters it reads: its canonical address."""
    return page_address(context["request"])


@register.simple_tag
def lang_if_fallback(obj, *fields):
    """` lang="en"` where a text is shown in English because it is not translated yet.

    Screen readers then read it with English pronunciation. `fields` are the translated
    fields the text may come from; it is a fallback when none has the current language.
    """
    language, default = get_language(), settings.LANGUAGE_CODE

    def has(lang):
        return any(getattr(obj, f"{field}_{lang}", None) for field in fields)

    if language == default or has(language) or not has(default):
        return ""
    return format_html(' lang="{}"', default)


@register.filter
def percent(value, decimals=1):
    """A percentage written the way the current language writes it: 49.4% or 49,4 %."""
    number = formats.number_format(value, decimal_pos=int(decimals))
    return _("%(number)s%%") % {"number": number}


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """An address as sharing tags need it: with scheme and host (kept if it has them)."""
    return context["request"].build_absolute_uri(url)


@register.filter
def long_date(value):
    """A date as the current language writes it: “20 January 2027”, “1er décembre 2026”."""
    return dates.long_date(value)


@register.filter
def long_datetime(value):
    """A date and time as the current language writes them, in the current time zone."""
    return dates.long_datetime(value)


@register.filter
def zone_city(zone):
    """A time zone by its city, in the current language: “Geneva”, “Genève”, “Ginebra”."""
    return dates.zone_city(zone)
