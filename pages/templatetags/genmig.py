import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
        "sameAs": [url for _, url in site_settings.social_links] if site_settings else [],
    }
    # Escaped like Django's json_script, so no text can close the <script> element early.
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
