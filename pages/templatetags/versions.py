from django import template

from pages.history import saved_time as _saved_time

register = template.Library()


@register.filter
def saved_time(value):
    """When a version was saved, to the second, in the admin's time zone."""
    return _saved_time(value) if value else ""
