"""Every saved version of editors' content: kept, compared, restored, recovered and pruned."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Revision, Version

from pages import history, marking
from pages.first_versions import INITIAL
from pages.history import marked_words
from pages.models import Page, Resource, SiteSettings, Update
from partners.models import Benefit, Partner
from tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test document\n"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    return user


@pytest.fixture
def editor_client(editor):
    client = Client()
    sign_in_verified(client, editor)
    return client


def page_form(page, **changes):
    data = {
        "title_en": page.title_en,
        "title_fr": page.title_fr or "",
        "title_es": page.title_es or "",
        "summary_en": page.summary_en,
        "summary_fr": page.summary_fr or "",
        "summary_es": page.summary_es or "",
        "body_en": page.body_en,
        "body_fr": page.body_fr or "",
        "body_es": page.body_es or "",
        "nav_title_en": page.nav_title_en or "",
        "published": "on" if page.published else "",
        "show_in_nav": "on" if page.show_in_nav else "",
        "nav_position": page.nav_position,
        "slug": page.slug,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def edit(client, page, **changes):
    response = client.post(f"/admin/pages/page/{page.pk}/change/", page_form(page, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()


def versions_of(obj):
    return list(Version.objects.get_for_object(obj).select_related("revision__user"))


def oldest_first(obj):
    return sorted(versions_of(obj), key=lambda version: version.pk)


def test_each_save_keeps_a_version_with_every_language_who_and_the_change_message(
    editor_client, editor
):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, title_fr="Contexte", title_es="Antecedentes")
    initial, version = oldest_first(page)
    assert initial.revision.comment == INITIAL and initial.revision.user is None
    assert version.field_dict["title_fr"] == "Contexte"
    assert version.field_dict["title_es"] == "Antecedentes"
    assert version.field_dict["title_en"] == page.title_en
    assert version.revision.user == editor
    assert version.revision.get_comment() == LogEntry.objects.get().get_change_message()
    assert "Title (French)" in version.revision.get_comment()


@pytest.mark.parametrize("model", [Page, Partner, Benefit, Resource, Update, SiteSettings])
def test_every_content_model_is_kept(model):
    import reversion

    from pages.history import translated_fields

    assert reversion.is_registered(model)
    kept = reversion.revisions._get_options(model).fields
    translated = translated_fields(model).values()
    columns = [column for languages in translated for column in languages.values()]
    assert columns and all(column in kept for column in columns)
    assert {f"{name}_fr" for name in translated_fields(model)} <= set(kept)


def test_the_history_lists_versions_and_the_comparison_marks_changed_words(editor_client):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, body_en="The gap is wide in rural areas.")
    edit(editor_client, page, body_en="The gap is narrow in rural areas.", body_fr="Un écart <b>")
    history = editor_client.get(f"/admin/pages/page/{page.pk}/history/").content.decode()
    _initial, first, second = oldest_first(page)
    assert f"/admin/pages/page/{page.pk}/history/{first.pk}/" in history
    assert f"/admin/pages/page/{page.pk}/history/{second.pk}/" in history
    compare = editor_client.get(f"/admin/pages/page/{page.pk}/history/{first.pk}/")
    html = compare.content.decode()
    assert compare.status_code == 200
    assert "<del>wide</del>" in html and "<ins>narrow</ins>" in html
    # the French text the current page has and the first version had not, escaped
    assert "<ins>Un</ins> <ins>écart</ins> <ins>&lt;b&gt;</ins>" in html
    assert "Français" in html
    assert "style=" not in html.split("<body", 1)[1]


def test_marked_words_escape_and_mark_only_what_differs():
    old, new = marked_words("a <b> c", "a <b> d")
    assert old == "a &lt;b&gt; <del>c</del>"
    assert new == "a &lt;b&gt; <ins>d</ins>"


@pytest.fixture
def compared_tokens(monkeypatch):
    """The lengths of the two sequences handed to each SequenceMatcher the history makes."""
    sizes = []

    class Counted(marking.difflib.SequenceMatcher):
        def __init__(self, isjunk=None, a="", b="", autojunk=True):
            sizes.append((len(a), len(b)))
            super().__init__(isjunk, a, b, autojunk)

    monkeypatch.setattr(marking.difflib, "SequenceMatcher", Counted)
    return sizes


def long_text(words, per_paragraph=100, change=None):
    """`words` words in paragraphs; `change` maps a word's position to another word."""
    change = change or {}
    text = [change.get(number, f"word{number % 997}") for number in range(words)]
    return "\n\n".join(
        " ".join(text[start : start + per_paragraph]) for start in range(0, words, per_paragraph)
    )


def test_a_long_text_with_one_changed_word_is_compared_with_little_work(
    editor_client, compared_tokens
):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, body_en=long_text(20000))
    edit(editor_client, page, body_en=long_text(20000, change={12345: "<changed>"}))
    first = oldest_first(page)[1]
    compared_tokens.clear()
    compare = editor_client.get(f"/admin/pages/page/{page.pk}/history/{first.pk}/")
    assert compare.status_code == 200
    html = compare.content.decode()
    assert "<del>word381</del>" in html  # 12345 % 997
    assert "<ins>&lt;changed&gt;</ins>" in html
    assert html.count("<del>") == 1 and html.count("<ins>") == 1
    # Before, the 40,000 words and spaces of each side went to SequenceMatcher at once.
    assert sum(old + new for old, new in compared_tokens) < 100


def test_long_texts_compare_lines_first_then_words_within_a_budget(compared_tokens):
    old = long_text(20000)
    changes = {150: "<one>", 19850: "two"}
    old_html, new_html = marked_words(old, long_text(20000, change=changes))
    assert "<del>word150</del>" in old_html and "<ins>&lt;one&gt;</ins>" in new_html
    assert f"<del>word{19850 % 997}</del>" in old_html and "<ins>two</ins>" in new_html
    assert old_html.count("<del>") == 2 and new_html.count("<ins>") == 2
    assert max(max(sizes) for sizes in compared_tokens) <= history.MAX_COMPARED_TOKENS
    words_compared = sum(old + new for old, new in compared_tokens[1:])  # after the lines
    assert words_compared <= history.MAX_COMPARED_TOKENS_PER_FIELD

    # Every paragraph changed: beyond the budget, paragraphs are marked as a whole.
    compared_tokens.clear()
    changes = dict.fromkeys(range(0, 20000, 50), "new")
    old_html, new_html = marked_words(old, long_text(20000, change=changes))
    assert sum(old + new for old, new in compared_tokens[1:]) <= (
        history.MAX_COMPARED_TOKENS_PER_FIELD
    )
    # the first paragraphs word by word, the last changes as a whole (up to the last change)
    assert old_html.startswith("<del>word0</del> word1 word2")
    assert new_html.startswith("<ins>new</ins> word1 word2")
    last = " ".join(f"word{number % 997}" for number in range(19900, 19951))
    assert f"<del>{last}</del> word{19951 % 997}" in old_html

    # One long paragraph with changes far apart: what lies between is marked as a whole.
    compared_tokens.clear()
    old_html, new_html = marked_words(
        long_text(20000, per_paragraph=20000),
        long_text(20000, per_paragraph=20000, change={10: "a<b", 19990: "z"}),
    )
    assert compared_tokens == []
    assert old_html.startswith("word0 word1") and "<del>word10 " in old_html
    assert "<ins>a&lt;b word11" in new_html


def test_restoring_a_version_is_one_step_and_visitors_see_it_at_once(editor_client, client):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, body_en="First wording of the page.")
    edit(editor_client, page, body_en="Second wording of the page.")
    assert "Second wording" in client.get("/background/").content.decode()
    assert "Second wording" in client.get("/background/").content.decode()  # from the cache
    first = oldest_first(page)[1]
    before = page.updated
    response = editor_client.post(f"/admin/pages/page/{page.pk}/history/{first.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/page/{page.pk}/change/"
    page.refresh_from_db()
    assert page.body_en == "First wording of the page."
    assert page.updated > before
    assert "First wording" in client.get("/background/").content.decode()
    latest = max(versions_of(page), key=lambda version: version.pk)
    assert latest.field_dict["body_en"] == "First wording of the page."
    assert "Restored the version saved on" in latest.revision.get_comment()


def test_a_deleted_partner_is_recovered_from_the_list(editor_client, client):
    partner = Partner.objects.create(
        name_en="Recoverable Institute", slug="recoverable", type="research", published=True
    )
    assert "Recoverable Institute" in client.get("/partners/?type=research").content.decode()
    response = editor_client.post(f"/admin/partners/partner/{partner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Partner.objects.filter(pk=partner.pk).exists()
    assert "Recoverable Institute" not in client.get("/partners/?type=research").content.decode()
    listing = editor_client.get("/admin/partners/partner/").content.decode()
    assert "/admin/partners/partner/recover/" in listing
    recover_list = editor_client.get("/admin/partners/partner/recover/").content.decode()
    (version,) = Version.objects.get_deleted(Partner)
    assert f"/admin/partners/partner/recover/{version.pk}/" in recover_list
    assert "Recoverable Institute" in recover_list
    page = editor_client.get(f"/admin/partners/partner/recover/{version.pk}/")
    assert page.status_code == 200 and "Recoverable Institute" in page.content.decode()
    response = editor_client.post(f"/admin/partners/partner/recover/{version.pk}/")
    assert response.status_code == 302
    assert Partner.objects.get(pk=partner.pk).name == "Recoverable Institute"
    assert "Recoverable Institute" in client.get("/partners/?type=research").content.decode()


def test_recovering_over_a_taken_address_says_why_instead_of_failing(editor_client):
    partner = Partner.objects.create(name_en="Twin", slug="twin", type="research")
    editor_client.post(f"/admin/partners/partner/{partner.pk}/delete/", {"post": "yes"})
    Partner.objects.create(name_en="Twin again", slug="twin", type="research")
    (version,) = Version.objects.get_deleted(Partner)
    response = editor_client.post(f"/admin/partners/partner/recover/{version.pk}/", follow=True)
    assert response.status_code == 200
    assert "could not be restored" in response.content.decode()


def test_a_removed_file_is_not_restored_and_the_editor_is_told(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    resource = Resource(title_en="Report", year=2024, summary_en="About it.", published=True)
    resource.file = SimpleUploadedFile("first.pdf", PDF, content_type="application/pdf")
    resource.save()
    import reversion

    with reversion.create_revision():
        resource.save()
    first_name = resource.file.name
    with django_capture_on_commit_callbacks(execute=True), reversion.create_revision():
        resource.file = SimpleUploadedFile("second.pdf", PDF, content_type="application/pdf")
        resource.title_en = "Report, second edition"
        resource.save()
    # The replaced upload stays while a version names it (pages/files.py); this one was
    # removed before files were kept so, or lost.
    assert (media_root / first_name).exists()
    (media_root / first_name).unlink()
    first = min(versions_of(resource), key=lambda version: version.pk)
    response = editor_client.post(
        f"/admin/pages/resource/{resource.pk}/history/{first.pk}/", follow=True
    )
    html = response.content.decode()
    assert "has been removed since, so the item keeps its current one" in html
    resource.refresh_from_db()
    assert resource.title_en == "Report"
    assert resource.file.name.endswith(".pdf") and "second" in resource.file.name
    assert (media_root / resource.file.name).exists()


def test_the_content_editors_may_see_history_restore_and_recover_but_handlers_may_not(
    editor_client, django_user_model
):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, body_en="Changed by an editor.")
    version = versions_of(page)[0]
    assert editor_client.get(f"/admin/pages/page/{page.pk}/history/").status_code == 200
    assert (
        editor_client.get(f"/admin/pages/page/{page.pk}/history/{version.pk}/").status_code == 200
    )
    assert editor_client.get("/admin/partners/partner/recover/").status_code == 200
    handler = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    handler.groups.add(Group.objects.get(name="Enquiry handlers"))
    other = Client()
    sign_in_verified(other, handler)
    assert other.get(f"/admin/pages/page/{page.pk}/history/{version.pk}/").status_code == 403
    assert other.post(f"/admin/pages/page/{page.pk}/history/{version.pk}/").status_code == 403
    assert other.get("/admin/partners/enquiry/").status_code == 200


def test_old_versions_are_pruned_by_the_command(settings, editor_client):
    page = Page.objects.get(slug="background")
    edit(editor_client, page, body_en="Old text.")
    edit(editor_client, page, body_en="New text.")
    initial, old, new = oldest_first(page)
    Revision.objects.filter(pk__in=[initial.revision_id, old.revision_id]).update(
        date_created=timezone.now() - datetime.timedelta(days=731)
    )
    call_command("prune_versions")
    assert [version.pk for version in versions_of(page)] == [new.pk]
    settings.VERSION_MAX_AGE_DAYS = 1
    Revision.objects.filter(pk=new.revision_id).update(
        date_created=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("prune_versions")
    # The latest version of an item stays, however old: its next edit can be undone.
    assert [version.pk for version in versions_of(page)] == [new.pk]
    # The revision that gave every item its first version stays while it holds one.
    assert Revision.objects.filter(pk=initial.revision_id).exists()
    assert not Revision.objects.filter(pk=old.revision_id).exists()


def test_site_settings_and_an_event_are_restored_with_what_follows_from_them(editor_client):
    import reversion

    settings_record = SiteSettings.load()
    with reversion.create_revision():
        settings_record.video_caption_fr = "Première légende"
        settings_record.save()
    with reversion.create_revision():
        settings_record.video_caption_fr = "Seconde légende"
        settings_record.save()
    first = oldest_first(settings_record)[-2]
    response = editor_client.post(f"/admin/pages/sitesettings/1/history/{first.pk}/")
    assert response.status_code == 302
    assert SiteSettings.load().video_caption_fr == "Première légende"

    update = Update(title_en="Webinar", slug="webinar", summary_en="s", kind="webinar")
    update.date = datetime.date(2030, 5, 6)
    update.start_time, update.end_time = datetime.time(9, 0), datetime.time(10, 0)
    with reversion.create_revision():
        update.save()
    with reversion.create_revision():
        update.start_time, update.end_time = datetime.time(15, 30), datetime.time(16, 30)
        update.save()
    first = min(versions_of(update), key=lambda version: version.pk)
    editor_client.post(f"/admin/pages/update/{update.pk}/history/{first.pk}/")
    update.refresh_from_db()
    # The computed start and end follow the restored times.
    assert (update.local_start.hour, update.local_end.hour) == (9, 10)
