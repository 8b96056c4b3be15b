from django import template

from pages.attention import sections

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_sections(context):
    """The start page's sections for the signed-in editor (pages/attention.py)."""
    return sections(context["request"])
