"""Dates and times as each language writes them, one format per language for the whole admin
(lists, read-only values, history, start page): "20 Jan 2027, 14:05", "20 janv. 2027, 14:05",
"20 ene. 2027, 14:05". Django reads the formats of each language from here first
(FORMAT_MODULE_PATH), then from its own.
"""

from django.utils.translation import pgettext_lazy

# The month abbreviations of the French and Spanish formats ("N"). Django's own catalogs
# abbreviate them as "jan." and "Ene."; the project's catalogs, which come first, give the
# forms each language uses ("janv.", "ene."). The keys are Django's own, to be translated.
MONTH_ABBREVIATIONS = [
    pgettext_lazy("abbrev. month", "Jan."),
    pgettext_lazy("abbrev. month", "Feb."),
    pgettext_lazy("abbrev. month", "March"),
    pgettext_lazy("abbrev. month", "April"),
    pgettext_lazy("abbrev. month", "May"),
    pgettext_lazy("abbrev. month", "June"),
    pgettext_lazy("abbrev. month", "July"),
    pgettext_lazy("abbrev. month", "Aug."),
    pgettext_lazy("abbrev. month", "Sept."),
    pgettext_lazy("abbrev. month", "Oct."),
    pgettext_lazy("abbrev. month", "Nov."),
    pgettext_lazy("abbrev. month", "Dec."),
]
