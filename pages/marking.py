"""Two texts compared word by word, what differs marked, with bounded work."""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

WORDS = re.compile(r"(\s+)")

# SequenceMatcher's work grows with the square of what it compares: at most this many words
# and spaces of a side at once, and this many in all for one field; beyond, the lines that
# differ are compared first, and a part that differs too much is marked as a whole.
MAX_COMPARED_TOKENS = 1000
MAX_COMPARED_TOKENS_PER_FIELD = 4000


class _Marker:
    """Both texts of one field as escaped HTML, what differs in <del> and <ins>."""

    def __init__(self):
        self.old_html, self.new_html = [], []
        self.budget = MAX_COMPARED_TOKENS_PER_FIELD

    def same(self, text):
        self.old_html.append(escape(text))
        self.new_html.append(escape(text))

    def changed(self, old_text, new_text):
        for text, tag, html in ((old_text, "del", self.old_html), (new_text, "ins", self.new_html)):
            html.append(f"<{tag}>{escape(text)}</{tag}>" if text.strip() else escape(text))

    def words(self, old_words, new_words):
        """Only the part between what both share at their start and end is compared."""
        head, tail = _same_ends(old_words, new_words)
        self.same("".join(old_words[:head]))
        old_middle = old_words[head : len(old_words) - tail]
        new_middle = new_words[head : len(new_words) - tail]
        size = max(len(old_middle), len(new_middle))
        if size > MAX_COMPARED_TOKENS or len(old_middle) + len(new_middle) > self.budget:
            self.lines("".join(old_middle), "".join(new_middle))
        else:
            self.budget -= len(old_middle) + len(new_middle)
            matcher = difflib.SequenceMatcher(None, old_middle, new_middle, autojunk=False)
            for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
                removed = "".join(old_middle[old_start:old_end])
                added = "".join(new_middle[new_start:new_end])
                if operation == "equal":
                    self.same(removed)
                else:
                    self.changed(removed, added)
        self.same("".join(old_words[len(old_words) - tail :]))

    def lines(self, old, new):
        """Lines compared first, then the words of the lines that differ, within the budget."""
        old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
        if max(len(old_lines), len(new_lines)) > MAX_COMPARED_TOKENS or (
            len(old_lines) <= 1 and len(new_lines) <= 1
        ):
            self.changed(old, new)
            return
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
            removed = "".join(old_lines[old_start:old_end])
            added = "".join(new_lines[new_start:new_end])
            if operation == "equal":
                self.same(removed)
                continue
            old_words, new_words = WORDS.split(removed), WORDS.split(added)
            head, tail = _same_ends(old_words, new_words)
            compared = len(old_words) + len(new_words) - 2 * (head + tail)
            size = max(len(old_words), len(new_words)) - head - tail
            if size > MAX_COMPARED_TOKENS or compared > self.budget:
                self.changed(removed, added)
            else:
                self.words(old_words, new_words)


def _same_ends(old, new):
    """How many items old and new share at their start, and then at their end."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


def marked_words(old, new):
    """Both texts as escaped HTML: words only in `old` in <del>, words only in `new` in <ins>."""
    marker = _Marker()
    marker.words(WORDS.split(old), WORDS.split(new))
    return (
        mark_safe("".join(marker.old_html)),  # noqa: S308 (escaped above)
        mark_safe("".join(marker.new_html)),  # noqa: S308 (escaped above)
    )
