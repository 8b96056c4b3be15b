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


@register.simple_tag
def item_status(obj):
    """Where a saved item stands for visitors, for the top of its change form (pages/status.py)."""
    from pages.status import item_status as status

    return status(obj)


@register.simple_tag(takes_context=True)
def start_page_attention(context):
    """What needs doing, and a line for each quiet section (pages/start_page.py)."""
    from pages.start_page import attention

    return attention(context["request"])


@register.simple_tag(takes_context=True)
def start_page_apps(context):
    """(content apps, other apps for superusers) of the start page's app list."""
    from pages.start_page import split_apps

    return split_apps(context["request"], context.get("app_list", []))
