from django import template

from pages.attention import audience_section, sections

register = template.Library()


@register.simple_tag(takes_context=True)
def attention_sections(context):
    """The start page's sections for the signed-in editor (pages/attention.py)."""
    return sections(context["request"])


@register.simple_tag(takes_context=True)
def audience_figures(context):
    """The start page's "What visitors read" for the signed-in editor, or None."""
    return audience_section(context["request"])
