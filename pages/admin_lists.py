"""What the admin's lists add: fields edited in a row named after their row."""

from django.utils.text import capfirst
from django.utils.translation import gettext


class LabelledListEditsMixin:
    """A number edited in a list ("position") is named with its row for screen readers:
    the column's heading alone does not say which item it belongs to."""

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)
        editable = set(self.list_editable)

        class LabelledForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, field in self.fields.items():
                    if name in editable:
                        # The list shows no help text for aria-describedby to point at.
                        field.help_text = ""
                        field.widget.attrs["aria-label"] = gettext("%(field)s of “%(item)s”") % {
                            "field": capfirst(field.label),
                            "item": self.instance,
                        }

        return LabelledForm
