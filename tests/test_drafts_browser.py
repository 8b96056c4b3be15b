"""Clearance in a real browser, through the front: a Content editor drafts a change to the
live Background page, previews it in French and submits it; a Publisher approves it; only
then do visitors see it, through nginx (deploy/nginx/), gunicorn's page cache and Redis.

Chromium speaks HTTPS to nginx, which passes requests to one gunicorn instance with DEBUG
off, as in production.
"""

import os
import secrets
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from deploy.nginx import local
from tests.browser import give_code
from tests.nu_checker import nu_errors
from tests.servers import (
    Gunicorn,
    PostgresDatabase,
    free_port,
    give_second_factor,
    manage,
    postgres_url,
    production_env,
    require_redis,
)
from tests.test_browser import axe_report
from tests.test_front import Front

PASSWORD = "a-long-test-password-for-the-drafts"
SHARED_SECONDS = 2
SHOWN_WITHIN = SHARED_SECONDS + 1.5
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "drafts"
LIVE_EN = "Women are half of the world's migrants, as published."
LIVE_FR = "Les femmes représentent la moitié des migrants, version publiée."
DRAFT_EN = f"A clearer wording, still a draft {secrets.token_hex(3)}."
DRAFT_FR = f"Une formulation plus claire, encore en brouillon {secrets.token_hex(3)}."

SETUP = f"""
from django.contrib.auth.models import Group, User
from pages.models import Page
for name, group in (("writer", "Content editors"), ("clearer", "Publishers")):
    user = User.objects.create_user(name, email=name + "@iom.int", password="{PASSWORD}",
                                    first_name=name.title(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
page = Page.objects.get(slug="background")
page.body_en, page.body_fr = {LIVE_EN!r}, {LIVE_FR!r}
page.save()
print("PAGE", page.pk)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    problem = local.missing()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("drafts-front")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = require_redis(redis_url)
    server = postgres_url()
    database = PostgresDatabase(server).create() if server else None
    env = production_env(
        DATABASE_URL=database.url if database else f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"genmig-drafts-{secrets.token_hex(4)}",
        DJANGO_ALLOWED_HOSTS="localhost",
        EMAIL_URL="consolemail://",
        MEDIA_ROOT=str(folder / "media"),
        TRUSTED_PROXY_COUNT="1",
        PAGE_SHARED_CACHE_SECONDS=str(SHARED_SECONDS),
        REVIEW_REQUIRED="1",
    )
    instance, nginx = None, None
    try:
        manage(env, "migrate", "--noinput")
        output = manage(env, "shell", "-c", SETUP).stdout
        give_second_factor(env, "writer", "clearer")
        page_pk = next(line for line in output.splitlines() if line.startswith("PAGE ")).split()[1]
        instance = Gunicorn(env, folder / "gunicorn.log", host="localhost").start()
        https_port, http_port = free_port(), free_port()
        certificate, key = local.self_signed_certificate(folder / "tls")
        config = local.render(
            folder / "nginx",
            https_port=https_port,
            http_port=http_port,
            upstreams=[f"127.0.0.1:{instance.port}"],
            certificate=certificate,
            key=key,
            media_root=folder / "media",
        )
        nginx = local.Nginx(config).start(https_port)
        front = Front(https_port, http_port)
        yield {"front": front, "instance": instance, "page_pk": page_pk, "base": front.origin}
    finally:
        if nginx:
            nginx.stop()
        if instance:
            instance.stop()
        if database:
            database.drop()
        redis.flushdb()


def signed_in(browser, base, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, ignore_https_errors=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    give_code(tab, base)
    return context, tab


def axe_violations(tab):
    results = Axe().run(
        tab,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.response["passes"], f"axe checked nothing on {tab.url}"
    return axe_report(results.response["violations"])


def shoot(tab, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def public(site, path):
    """What a visitor gets through the front, and straight from the instance's page cache."""
    through_front = site["front"].get(path)
    from_instance = site["instance"].get(path)
    assert through_front.status == from_instance.status == 200
    return through_front.text + from_instance.text


def test_draft_preview_submit_approve_and_only_then_visitors_see_it(
    site, browser, browser_tools, tmp_path
):
    base = site["base"]
    change = f"{base}/admin/pages/page/{site['page_pk']}/change/"
    for path, text in (("/background/", LIVE_EN), ("/fr/background/", LIVE_FR)):
        for _ in range(3):  # rendered, then from the caches
            assert text in public(site, path)
    pages = {}
    writer_context, writer = signed_in(browser, base, "writer")
    try:
        writer.goto(change)
        assert writer.locator("input[name=_save]").count() == 0  # no “Publish now”
        writer.fill("#id_body_en", DRAFT_EN)
        writer.click("nav.language-switch a:has-text('Français')")
        writer.fill("#id_body_fr", DRAFT_FR)
        writer.click("input[name=_savedraft]")
        writer.wait_for_selector(".messagelist .success")
        assert "Draft changes by Writer" in writer.text_content(".draft-status")
        assert writer.input_value("#id_body_en") == DRAFT_EN
        # The HTML as sent: the admin's scripts add to the page afterwards.
        pages["change-form"] = writer.goto(change).text()
        assert axe_violations(writer) == ""
        shoot(writer, "change-form-draft")

        time.sleep(SHOWN_WITHIN)
        assert LIVE_FR in public(site, "/fr/background/")
        assert DRAFT_EN not in public(site, "/background/")

        writer.click(".draft-status a:has-text('Français')")
        writer.wait_for_url("**/fr/background/?preview=draft")
        assert DRAFT_FR in writer.text_content("main")
        assert "Aperçu, non public." in writer.text_content("main")
        shoot(writer, "preview-fr")
        assert axe_violations(writer) == ""

        writer.goto(change)
        writer.fill("#id_draft_comment", "New wording agreed with the regional office.")
        writer.click("button[name=_draft_action][value=submit]")
        writer.wait_for_selector(".messagelist .success")
        assert "Waiting for review" in writer.text_content(".draft-status")
    finally:
        writer_context.close()

    time.sleep(SHOWN_WITHIN)
    assert DRAFT_EN not in public(site, "/background/")
    assert DRAFT_FR not in public(site, "/fr/background/")

    publisher_context, publisher = signed_in(browser, base, "clearer")
    try:
        panel = publisher.locator("#draft-panel-review").locator("..")
        assert "The gender gap in migration" in panel.text_content()
        pages["start"] = publisher.goto(base + "/admin/").text()
        assert axe_violations(publisher) == ""
        shoot(publisher, "start-page")
        panel = publisher.locator("#draft-panel-review").locator("..")
        panel.locator("a", has_text="The gender gap in migration").click()
        publisher.wait_for_selector(".draft-status")
        assert "regional office" in publisher.text_content(".draft-events")
        pages["draft-list"] = publisher.goto(f"{base}/admin/drafts/draft/").text()
        assert axe_violations(publisher) == ""
        shoot(publisher, "draft-list")
        publisher.goto(change)
        publisher.click("button[name=_draft_action][value=publish]")
        publisher.wait_for_selector(".messagelist .success")
        approved = time.monotonic()
    finally:
        publisher_context.close()

    while DRAFT_EN not in site["front"].get("/background/").text:
        assert time.monotonic() - approved < SHOWN_WITHIN, "the approved draft did not show"
        time.sleep(0.1)
    assert DRAFT_FR in public(site, "/fr/background/")

    errors = nu_errors(browser_tools["java"], tmp_path, pages)
    assert not errors, "Nu Html Checker:\n" + errors


def test_two_editors_drafting_at_once_the_second_keeps_both_texts(site, browser):
    base = site["base"]
    change = f"{base}/admin/pages/page/{site['page_pk']}/change/"
    first_context, first = signed_in(browser, base, "writer")
    second_context, second = signed_in(browser, base, "clearer")
    try:
        first.goto(change)
        second.goto(change)
        first.fill("#id_summary_en", "The first editor's summary.")
        first.click("input[name=_savedraft]")
        first.wait_for_selector(".messagelist .success")
        second.fill("#id_summary_en", "The second editor's summary.")
        second.click("input[name=_savedraft]")
        second.wait_for_selector(".errornote")
        assert "while you were editing" in second.text_content(".errorlist")
        assert second.input_value("#id_summary_en") == "The second editor's summary."
        assert "The first editor's summary." in second.text_content(".draft-theirs")
        assert axe_violations(second) == ""
        shoot(second, "conflict")
        second.click("input[name=_savedraft]")
        second.wait_for_selector(".messagelist .success")
        second.goto(f"{base}/admin/pages/page/")
        assert "Draft changes, saved" in second.text_content("#result_list")
        shoot(second, "page-list")
    finally:
        first_context.close()
        second_context.close()
    assert "second editor" not in public(site, "/background/")
