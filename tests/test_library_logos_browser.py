"""Partners' logos in the library, in a real browser: an editor uploads a logo from the partner
form, keeps it through a refused save, finds it in the library; a draft saved a moment ago says
“just now”. Every page passes axe and the Nu Html Checker, at phone and desk widths."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import signed_in_tab
from tests.servers import Gunicorn, give_second_factor, manage, production_env
from tests.test_history_browser import axe_violations
from tests.test_library_browser import nu_errors
from tests.test_partners import image_upload

PASSWORD = "a-long-test-password-for-the-browser"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "logos"

SETUP = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True,
                                first_name="Ana", last_name="Writer")
user.groups.add(Group.objects.get(name="Content editors"))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("logos-browser")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", SETUP)
    give_second_factor(env, "writer")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    yield instance
    instance.stop()


def check(tab, name, pages, reports, html=None):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        if report := axe_violations(tab):
            reports.append(f"{name} at {width} px:\n{report}")
    pages[name] = html if html is not None else tab.context.request.get(tab.url).text()


def loaded(locator):
    return locator.evaluate_all(
        "all => all.length > 0 && all.every(i => i.complete && i.naturalWidth > 0)"
    )


def test_a_logo_goes_into_the_library_and_a_new_draft_says_just_now(
    server, browser, browser_tools, tmp_path
):
    base = f"http://127.0.0.1:{server.port}"
    upload = tmp_path / "lab-logo.png"
    upload.write_bytes(image_upload(size=(1200, 500)).read())
    context, tab = signed_in_tab(browser, base, "writer", PASSWORD)
    pages, reports = {"folder": tmp_path}, []

    tab.goto(base + "/admin/partners/partner/add/")
    tab.fill("#id_name_en", "Gender Lab")
    tab.check("#id_published")
    tab.set_input_files("#id_logo", str(upload))
    with tab.expect_navigation() as refused:
        tab.click("input[name=_continue]")  # no type of organization: refused
    tab.wait_for_selector(".errornote")
    assert "Your file lab-logo.png is kept" in tab.text_content(".field-logo")
    assert tab.locator("#id_logo_picture option:checked").text_content() == "lab-logo.png"
    check(tab, "partner-kept-logo", pages, reports, refused.value.text())
    tab.select_option("#id_type", "research")
    tab.click("input[name=_continue]")
    tab.wait_for_selector(".messagelist .success")
    assert loaded(tab.locator(".field-logo img.upload-thumbnail"))
    check(tab, "partner-with-logo", pages, reports)

    tab.fill("#id_description_en", "Studies care work, in a draft.")
    tab.click("input[name=_savedraft]")
    tab.wait_for_selector("#draft-status-heading")
    assert tab.text_content("#draft-status-heading").split() == [
        "Draft", "changes", "by", "Ana", "Writer,", "just", "now",
    ]  # fmt: skip
    check(tab, "partner-draft-just-now", pages, reports)
    tab.goto(base + "/fr/admin/partners/partner/")
    assert "à l’instant" in tab.text_content("#result_list")
    assert loaded(tab.locator("#result_list img.logo-preview"))
    check(tab, "partner-list-fr", pages, reports)

    tab.goto(base + "/admin/library/picture/")
    assert loaded(tab.locator("#result_list img.library-thumbnail"))
    assert "Gender Lab (logo)" in " ".join(tab.text_content("#result_list").split())
    check(tab, "library-with-logo", pages, reports)
    tab.click("#result_list a:text('lab-logo.png')")
    tab.click("a.deletelink")
    assert "Gender Lab" in tab.text_content("#content")
    check(tab, "logo-delete-refused", pages, reports)
    context.close()

    errors = nu_errors(browser_tools["java"], pages)
    assert not reports, "\n".join(reports)
    assert not errors, "Nu Html Checker:\n" + "\n".join(sum(errors.values(), []))
