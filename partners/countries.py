"""Country names as people typed them, read as the codes of django-countries' list."""

import unicodedata

from django.conf import settings
from django.utils import translation
from django_countries import countries

# Names that mean no one country: such partners work worldwide or in several countries.
NO_COUNTRY = {"", "global", "worldwide", "international", "mondial", "internacional", "multiple"}
# Short and older names that the list does not hold under these spellings.
ALIASES = {
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "laos": "LA",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "the netherlands": "NL",
    "holland": "NL",
    "democratic republic of the congo": "CD",
    "drc": "CD",
    "republic of the congo": "CG",
    "palestine": "PS",
    "swaziland": "SZ",
    "burma": "MM",
}


def _plain(text):
    text = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore")
    return " ".join(text.decode().lower().split())


def country_code(text):
    """The code for a typed country name ("Kenya", "Kenia", "KEN", "ke"): "" for a name that
    means no one country ("Global"), None for one that is not recognised."""
    name = (text or "").strip()
    plain = _plain(name)
    if plain in NO_COUNTRY:
        return ""
    if plain in ALIASES:
        return ALIASES[plain]
    if len(name) in (2, 3) and (code := countries.alpha2(name.upper())):
        return code
    for language in ("en", "fr", "es"):
        if code := countries.by_name(name, language=language):
            return code
    # Without accents or apostrophes as typed: "Perou", "Mexico", "Cote d'Ivoire".
    for code, country_name in countries:
        if _plain(str(country_name)) == plain:
            return code
    return None


def countries_named(text):
    """The codes of the countries whose name, in any of the site's languages, contains `text`."""
    plain = _plain(text or "")
    if len(plain) < 3:
        return []
    codes = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            codes.update(code for code, name in countries if plain in _plain(str(name)))
    return sorted(codes)
