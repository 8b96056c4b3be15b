"""How long ago a draft was saved: “just now” under a minute, never “0 minutes ago”."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from drafts.models import Draft
from drafts.timing import saved_ago
from pages.models import Page
from tests.test_drafts import change_url, save_draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def self_approval(settings):
    settings.REVIEW_SELF_APPROVAL = True


def test_under_a_minute_is_just_now_in_each_language():
    now = timezone.now()
    expected = {
        "en": ("just now", "1\xa0minute ago"),
        "fr": ("à l’instant", "il y a 1\xa0minute"),
        "es": ("hace un momento", "hace 1\xa0minuto"),
    }
    for language, (recent, older) in expected.items():
        with translation.override(language):
            assert saved_ago(now - timedelta(seconds=59), now) == recent
            assert saved_ago(now - timedelta(seconds=60), now) == older


def test_the_draft_panel_and_list_say_just_now_then_minutes_ago(staff_client):
    page = Page.objects.get(slug="background")
    assert save_draft(staff_client, page, body_en="A new wording.").status_code == 302
    seen = {
        "": ("Draft changes by editor, just now", "Draft changes, saved just now"),
        "/fr": (
            "Modifications en brouillon de editor, à l’instant",
            "Modifications en brouillon, enregistrées à l’instant",
        ),
        "/es": (
            "Cambios en borrador de editor, hace un momento",
            "Cambios en borrador, guardados hace un momento",
        ),
    }
    for prefix, (panel, column) in seen.items():
        form = staff_client.get(f"{prefix}{change_url(page)}").content.decode()
        listing = staff_client.get(f"{prefix}/admin/pages/page/").content.decode()
        assert panel in form and column in listing
        assert "0\xa0minutes" not in form + listing and "0 minutes" not in form + listing
    Draft.objects.update(updated=timezone.now() - timedelta(minutes=5, seconds=10))
    seen = {
        "": "Draft changes by editor, 5\xa0minutes ago",
        "/fr": "Modifications en brouillon de editor, il y a 5\xa0minutes",
        "/es": "Cambios en borrador de editor, hace 5\xa0minutos",
    }
    for prefix, panel in seen.items():
        assert panel in staff_client.get(f"{prefix}{change_url(page)}").content.decode()
