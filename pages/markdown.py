"""Markdown written by editors, rendered to HTML that is safe to show to anyone.

cmark (GitHub's CommonMark parser, through cmarkgfm) parses in time linear in the text,
whatever the text: no run of brackets, stars, backticks or angle brackets makes it slow.
The one cost that grows faster is the sanitiser's with the depth of nested elements, so a text
that nests deeper than MAX_DEPTH is shown as plain text, and the admin refuses it.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Far beyond any real text (lists in quotes in lists...), well within what renders at once.
MAX_DEPTH = 40
# Far beyond the text of any page or update (some 30,000 words), and renders in a fraction
# of a second.
MAX_LENGTH = 200_000

TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
# Elements that a new one of the same name closes rather than holds (<p>a<p>b: two paragraphs).
SELF_CLOSING = {"p", "li", "dt", "dd", "tr", "td", "th", "option"}


def too_deep(html, limit=MAX_DEPTH):
    """Whether HTML nests elements more than `limit` deep, as a browser would read it or deeper.

    A closing tag closes the innermost open element only if it names it, and a <p> or <li>
    closes only a <p> or <li> just before it: a browser closes as much or more, so the depth
    counted is never less than a browser's. Work is linear in the length of the HTML.
    """
    open_elements = []
    for match in TAG.finditer(html):
        closing, name = match[1], match[2].lower()
        if name in VOID:
            continue
        if open_elements and open_elements[-1] == name and (closing or name in SELF_CLOSING):
            open_elements.pop()
        if closing:
            continue
        open_elements.append(name)
        if len(open_elements) > limit:
            return True
    return False


def to_html(text):
    """cmark's HTML for a Markdown text, raw HTML included (it is sanitised afterwards)."""
    # A lone surrogate cannot be encoded for cmark; it can only come from a broken source.
    text = (text or "").encode("utf-8", "replace").decode("utf-8")
    # A column's alignment comes as a style attribute, which the sanitiser removes with the
    # others: HTML has no other attribute for it (align is obsolete).
    options = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
    html = cmarkgfm.markdown_to_html_with_extensions(text, options=options, extensions=["table"])
    # The page title is the only <h1>; a "# heading" in the body becomes a section heading.
    return re.sub(r"<(/?)h1\b", r"<\1h2", html).strip()


def render_markdown(text, preview=False):
    """Render Markdown to sanitised HTML.

    Raw HTML in the source is allowed through Markdown and then cleaned by nh3, which keeps
    only the tags and attributes above: no scripts, event handlers, styles, iframes or
    links other than http(s) and mailto survive. A line `[[image:42]]` then becomes the
    library's picture 42 (library/embedding.py); `preview` warns of one that is not there.
    """
    html = to_html(text)
    if too_deep(html):
        html = linebreaks(text, autoescape=True)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if "[[image:" in html:
        from library.embedding import place_pictures

        html = place_pictures(html, preview)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3; the pictures are escaped


def validate_markdown(text):
    """Refuse, with a message for the editor, a text the site would not show as written."""
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _(
                "This text has %(length)s characters; at most %(limit)s are allowed. "
                "Split it into several pages or updates."
            ),
            code="too_long",
            params={"length": len(text), "limit": MAX_LENGTH},
        )
    if too_deep(to_html(text)):
        raise ValidationError(
            _(
                "This text puts quotes, lists or HTML elements inside each other more than "
                "%(limit)s levels deep. Fewer levels are needed: as it is, it would be shown "
                "as plain text."
            ),
            code="too_deep",
            params={"limit": MAX_DEPTH},
        )
