"""The admin in the editor's language.

The admin has an address per language, as the public site does (/admin/, /fr/admin/,
/es/admin/). The switch in its header stores the choice in Django's language cookie
(set_language); on an English address (no prefix), someone who chose another language, or
whose browser asks for French or Spanish and who never chose, is taken to the admin in that
language. Public pages keep following their address alone.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

UNPREFIXED_ADMIN = re.compile(r"^/admin/")


class AdminLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and UNPREFIXED_ADMIN.match(request.path_info):
            # The cookie the switch sets, else the browser's Accept-Language, else English.
            wanted = translation.get_language_from_request(request)
            if wanted != settings.LANGUAGE_CODE:
                here = request.get_full_path()
                there = translate_url(here, wanted)
                if there != here:  # addresses outside the admin's pages have one language
                    response = HttpResponseRedirect(there)
                    patch_vary_headers(response, ["Accept-Language", "Cookie"])
                    return response
        return self.get_response(request)


@require_POST
def switch_language(request):
    """Django's set_language (the cookie, then the same page in the chosen language), with
    the page's address read in its own language: Django reads it in the language of the
    request, which knows no /fr/ address when the choice so far was English."""
    path = urlsplit(request.POST.get("next", "")).path
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        return set_language(request)
