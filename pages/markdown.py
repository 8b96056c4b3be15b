"""Markdown written by editors, rendered to HTML that is safe to show to anyone."""

import re

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text):
    """Render Markdown to sanitised HTML.

    Raw HTML in the source is allowed through Markdown and then cleaned by nh3, which keeps
    only the tags and attributes above: no scripts, event handlers, styles, iframes or
    links other than http(s) and mailto survive.
    """
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    # The page title is the only <h1>; a "# heading" in the body becomes a section heading.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    return mark_safe(  # noqa: S308 - the HTML has just been sanitised by nh3
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    )
