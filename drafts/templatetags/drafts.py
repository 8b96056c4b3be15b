from django import template

from ..panels import start_panels
from ..timing import saved_ago

register = template.Library()


@register.inclusion_tag("drafts/includes/start_panels.html", takes_context=True)
def draft_panels(context):
    return {"panels": start_panels(context["request"].user)}


@register.filter
def ago(when):
    """“just now”, or “5 minutes ago”, in the language of the page."""
    return saved_ago(when) if when else ""
