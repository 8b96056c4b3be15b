"""Pictures of the library placed inside a text: a line `[[image:42]]` becomes a <picture>.

The text is rendered and sanitised first; only then is each paragraph that holds nothing but
a shortcode replaced, with HTML made from the library's row (escaped by the template). A
number that names no picture shows nothing to visitors, and a warning in the preview.
"""

import re

from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext

PLACED = re.compile(r"<p>\[\[image:(\d{1,9})\]\]</p>")
SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"


def place_pictures(html, preview=False):
    from .models import Picture

    numbers = {int(number) for number in PLACED.findall(html)}
    if not numbers:
        return html
    pictures = Picture.objects.in_bulk(numbers)

    def replace(match):
        picture = pictures.get(int(match[1]))
        image = picture.as_image if picture else None
        if image is None:
            if not preview:
                return ""
            return format_html(
                '<p class="preview-warning" role="note">{}</p>',
                gettext(
                    "Picture %(number)s is not in the library (deleted, or a wrong number): "
                    "visitors see nothing here."
                )
                % {"number": match[1]},
            )
        return render_to_string(
            "library/text_picture.html", {"image": image, "credit": picture.credit, "sizes": SIZES}
        ).strip()

    return PLACED.sub(replace, html)
