"""What a visitor types: limits, parsing, stemming, and spelling suggestions."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer
from django.utils.translation import gettext_lazy as _

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
POSTGRES_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
SNOWBALL_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish"}
WORD = re.compile(r"\w+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_stemmers = {}


def snowball(language):
    if language not in _stemmers:
        _stemmers[language] = snowballstemmer.stemmer(SNOWBALL_LANGUAGES.get(language, "english"))
    return _stemmers[language]


@functools.lru_cache(maxsize=20_000)
def stem(word, language):
    """A lower-cased word stemmed in `language`. The Snowball stemmers run in Python, slowly
    (tens of microseconds a word): each distinct word is stemmed once a process, not again
    for every excerpt, query and text indexed."""
    return snowball(language).stemWord(word)


def stem_words(text, language):
    """The text's words, lower-cased and stemmed in `language`, as a list."""
    return [stem(w.lower(), language) for w in WORD.findall(unicodedata.normalize("NFC", text))]


@dataclass
class ParsedQuery:
    """A query as people type it in web search engines: words, "phrases", -excluded, or."""

    groups: list = field(default_factory=list)  # ANDed; each a list of ORed terms
    excluded: list = field(default_factory=list)  # terms; a term is a list of words

    @property
    def words(self):
        return [word for group in self.groups for term in group for word in term]

    def __bool__(self):
        return bool(self.groups)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text):
    parsed = ParsedQuery()
    or_next = False
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                or_next = bool(parsed.groups)
                continue
            negated = "-" if bare.startswith("-") else ""
            phrase = bare.lstrip("-")
        term = WORD.findall(phrase)
        if not term or [w.lower() for w in term] == ["or"]:
            continue
        if negated:
            parsed.excluded.append(term)
            or_next = False
        elif or_next:
            parsed.groups[-1].append(term)
            or_next = False
        else:
            parsed.groups.append([term])
    return parsed


class SearchError(ValueError):
    pass


def validate_query(text):
    """The query cleaned, or SearchError with a message for the visitor."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(
            _("Searches are limited to %(limit)d characters: shorten yours a little.")
            % {"limit": MAX_QUERY_LENGTH}
        )
    text = CONTROL.sub(" ", text).strip()
    parsed = parse_query(text)
    if not parsed:
        raise SearchError(_("Type at least one word to search for (not only -, quotes or “or”)."))
    return text, parsed
