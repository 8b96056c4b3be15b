"""One line of the front's access log (deploy/nginx/genmig.conf, log_format genmig_audience):
what it counts for, or why it is left out or skipped.

nginx writes `"` , `\\` and every byte outside printable ASCII as `\\xHH`, so a field never
holds a quote or a line break; anything else (a cut or hostile line, invalid UTF-8, an
address too long to be one of the site's) is skipped, and only counted.
"""

import datetime
import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

import crawleruseragents
from django.conf import settings
from django.http.request import validate_host

# The combined format, plus the result count of a search (X-Search-Results, as sent).
LINE = re.compile(
    r"(?P<address>[^ ]+) [^ ]+ [^ ]+ \[(?P<date>\d\d/[A-Za-z]{3}/\d{4}):(?P<hour>\d\d):\d\d:\d\d"
    r" [+-]\d{4}\] \"(?P<request>[^\"]*)\" (?P<status>\d{3}) [^ ]+ \"(?P<referrer>[^\"]*)\""
    r" \"(?P<agent>[^\"]*)\"(?: \"(?P<results>[^\"]*)\")?\r?\n?\Z"
)
ESCAPED = re.compile(r"\\x([0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HOST = re.compile(r"[a-z0-9.-]{1,253}\Z")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
DOCUMENT_EXTENSIONS = frozenset(
    [
        "pdf",
        "doc",
        "docx",
        "odt",
        "rtf",
        "xls",
        "xlsx",
        "ods",
        "csv",
        "ppt",
        "pptx",
        "odp",
        "epub",
        "zip",
        "txt",
    ]
)
# Longest address counted: every address of the site is far shorter.
MAX_PATH = 300
MAX_TERM = 100
MAX_LINE = 16384
ADMIN = re.compile(r"/(?:[a-z]{2}/)?admin/")
NOT_PAGES = ("/healthz", "/static/")

# What a line is.
PAGE = "page"
DOCUMENT = "document"
SEARCH = "search"
LEFT_OUT = "left out"
SKIPPED = "skipped"


def language_prefixes():
    return {
        f"/{code}/": code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
    }


@lru_cache(maxsize=20000)
def is_crawler(agent):
    """Known crawlers and monitoring, by the community's list (crawler-user-agents), and any
    client that gives no user agent at all."""
    return agent in ("", "-") or crawleruseragents.is_crawler(agent)


@lru_cache(maxsize=4096)
def parse_date(text):
    return datetime.date(int(text[7:11]), MONTHS[text[3:6]], int(text[:2]))


def unescape(text):
    """A field as the client sent it: nginx's \\xHH back to bytes, read as UTF-8."""
    if "\\x" not in text:
        return text
    raw = ESCAPED.sub(lambda match: chr(int(match[1], 16)), text).encode("latin-1")
    return raw.decode("utf-8")


def referring_host(referrer):
    """The host name of a link on another site, or ""."""
    if not referrer.startswith(("http://", "https://")):
        return ""
    try:
        host = urlsplit(referrer).hostname or ""
    except ValueError:
        return ""
    if not HOST.match(host) or validate_host(host, settings.ALLOWED_HOSTS):
        return ""
    return host


class Hit:
    """A line that is counted (a page view, a download or a search) or left out."""

    __slots__ = (
        "address",
        "agent",
        "date",
        "hour",
        "language",
        "path",
        "referrer",
        "results",
        "term",
    )

    def __init__(self, date, hour):
        self.date = date
        self.hour = hour
        self.address = self.agent = self.path = self.referrer = self.term = self.results = None
        self.language = ""


class Reader:
    """Reads lines with the site's settings (languages, media address) looked up once."""

    def __init__(self):
        self.default_language = settings.LANGUAGE_CODE
        self.prefixes = language_prefixes()
        self.media = settings.MEDIA_URL

    def read(self, line):
        """(kind, detail) for one line (bytes): (PAGE|DOCUMENT|SEARCH, Hit), (LEFT_OUT, Hit)
        or (SKIPPED, why)."""
        if len(line) > MAX_LINE:
            return SKIPPED, "too long"
        try:
            match = LINE.match(line.decode("utf-8"))
        except UnicodeDecodeError:
            return SKIPPED, "not UTF-8"
        if not match:
            return SKIPPED, "not a line of the log format"
        try:
            hit = Hit(parse_date(match["date"]), int(match["hour"]))
        except (KeyError, ValueError):
            return SKIPPED, "not a line of the log format"
        status = int(match["status"])
        parts = match["request"].split(" ")
        if status >= 400 or (300 <= status < 400 and status != 304) or len(parts) != 3:
            return LEFT_OUT, hit
        target = parts[1]
        if parts[0] != "GET" or not target.startswith("/") or is_crawler(match["agent"]):
            return LEFT_OUT, hit
        path, _mark, query = target.partition("?")
        if "%" in path or "\\x" in path:
            try:
                path = unquote(unescape(path), errors="strict")
            except UnicodeDecodeError:
                return SKIPPED, "address not UTF-8"
        if len(path) > MAX_PATH:
            return SKIPPED, "address too long"
        if CONTROL.search(path):
            return SKIPPED, "control characters in the address"
        if path.startswith(NOT_PAGES) or ADMIN.match(path):
            return LEFT_OUT, hit
        hit.language = self.prefixes.get(path[:4], self.default_language)
        if path[:4] in self.prefixes:
            path = path[3:]
        hit.address = match["address"]
        hit.agent = match["agent"]
        if path.startswith(self.media):
            # Whole downloads only: a PDF viewer's range requests (206) are parts of one.
            if path.rpartition(".")[2].lower() not in DOCUMENT_EXTENSIONS or status != 200:
                return LEFT_OUT, hit
            hit.path = path
            hit.language = ""
            return DOCUMENT, hit
        if not path.endswith("/") or path.endswith("/feed/"):
            return LEFT_OUT, hit
        if path == "/search/" and query:
            return search(hit, query, match["results"])
        hit.path = path
        referrer = match["referrer"]
        if referrer != "-":
            try:
                hit.referrer = referring_host(unescape(referrer))
            except UnicodeDecodeError:
                hit.referrer = ""
        return PAGE, hit


def search(hit, query, results):
    try:
        fields = parse_qs(unescape(query), errors="strict", max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return SKIPPED, "search not UTF-8"
    page = fields.get("page", ["1"])[0]
    words = " ".join(fields.get("q", [""])[0].split()).casefold()
    if page != "1" or not words:
        # A later page of the same results, or an empty search: not a search of its own.
        return LEFT_OUT, hit
    if CONTROL.search(words):
        return SKIPPED, "control characters in a search"
    hit.term = words[:MAX_TERM]
    hit.results = int(results) if results and results.isdigit() and len(results) < 10 else None
    return SEARCH, hit
