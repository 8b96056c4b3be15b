from django import template

from ..panels import start_panels

register = template.Library()


@register.inclusion_tag("drafts/includes/start_panels.html", takes_context=True)
def draft_panels(context):
    return {"panels": start_panels(context["request"].user)}
