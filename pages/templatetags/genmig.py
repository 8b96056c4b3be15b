from django import template

from pages.chart import female_share_chart

register = template.Library()


@register.inclusion_tag("pages/includes/female_share_chart.html")
def female_migrant_share_chart():
    return {"chart": female_share_chart()}
