"""The admin's change forms: each language's texts together, one at a time, what an item
still lacks in French and Spanish, and its Markdown as visitors will see it."""

import re

import pytest

from pages.models import Page, Update
from partners.models import Partner, PartnerType
from tests.helpers import tags

pytestmark = pytest.mark.django_db


def fieldset_classes(html):
    return [attrs.get("class", "") for attrs in tags(html, "fieldset")]


def test_each_language_has_its_own_fieldset_with_a_switch_to_it(staff_client):
    page = Page.objects.get(slug="background")
    html = staff_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    classes = fieldset_classes(html)
    languages = [c for c in classes if "language-" in c]
    assert [c.split()[-1] for c in languages] == ["language-en", "language-fr", "language-es"]
    # Every text of one language is in that language's fieldset, none elsewhere.
    sections = re.split(r"<fieldset ", html)
    for code in ("en", "fr", "es"):
        (section,) = [s for s in sections if f"language-{code}" in s.split(">", 1)[0]]
        for field in ("title", "summary", "body", "nav_title"):
            assert f'name="{field}_{code}"' in section, (code, field)
        assert f'lang="{code}"' in section
    # The switch links to each language's heading (the CSS shows the :target one).
    links = [a["href"] for a in tags(html, "a") if a.get("href", "").startswith("#fieldset-")]
    assert len(links) == 3
    for href in links:
        assert f'id="{href[1:]}"' in html


def test_the_change_form_previews_markdown_as_the_public_page_renders_it(staff_client, client):
    update = Update.objects.create(
        title="Launch", slug="launch", summary="s", published=True,
        body="## Findings\n\nWomen are **half** of [all migrants](https://example.org).\n\n<script>x()</script>",
        body_fr="Les femmes sont la **moitié**.",
    )  # fmt: skip
    html = staff_client.get(f"/admin/pages/update/{update.pk}/change/").content.decode()
    public = client.get(update.get_absolute_url()).content.decode()
    rendered = str(update.body_html)
    assert "<h2>Findings</h2>" in rendered and "<script>" not in rendered
    assert rendered in public and rendered in html
    french = "<p>Les femmes sont la <strong>moitié</strong>.</p>"
    preview = '<div class="markdown-preview prose" lang="fr" data-source="id_body_fr"'
    assert re.search(rf"{preview}[^>]*>{french}</div>", html)
    assert "Nothing to preview: the text is empty." in html  # Spanish


def test_the_form_says_which_languages_an_item_lacks(staff_client):
    partner = Partner.objects.create(
        name="Only English", slug="only-english", type=PartnerType.NGO,
        description="A sentence.", name_fr="Seulement anglais",
    )  # fmt: skip
    html = staff_client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    assert "<strong>Français</strong>: not translated yet: short description" in html
    assert "<strong>Español</strong>: not translated yet: name, short description" in html
    assert "Français (not complete)" in html
    page = Page.objects.get(slug="background")
    html = staff_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    assert "Complete in every language." in html


def test_an_item_saved_in_english_only_is_shown_in_english_marked_as_such(staff_client, client):
    response = staff_client.post(
        "/admin/pages/update/add/",
        {
            "kind": "news",
            "title_en": "English only",
            "slug": "english-only",
            "date": "2027-01-15",
            "summary_en": "Said in English.",
            "time_zone": "Europe/Zurich",
            "published": "on",
        },
    )
    assert response.status_code == 302
    update = Update.objects.get(slug="english-only")
    assert not update.title_fr and not update.title_es
    french = client.get(f"/fr{update.get_absolute_url()}").content.decode()
    assert '<h1 lang="en">English only</h1>' in french
    html = staff_client.get(f"/admin/pages/update/{update.pk}/change/").content.decode()
    assert "not translated yet: title, summary" in html


def test_the_live_preview_renders_what_is_sent_as_the_public_pages_do(staff_client, client):
    url = "/admin/pages/update/markdown-preview/"
    text = "Half of **all** migrants <script>alert(1)</script>"
    response = staff_client.post(url, {"text": text})
    assert response.status_code == 200
    assert response.content.decode() == str(Update(body=text).body_html)
    assert "<strong>all</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert staff_client.get(url).status_code == 405
    # Visitors are sent to the sign-in page, and the address is given to the script.
    assert client.post(url, {"text": text}).status_code == 302
    page = Page.objects.get(slug="background")
    form = staff_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    assert 'data-url="/admin/pages/page/markdown-preview/"' in form
    assert "js/admin-markdown-preview" in form
