"""A release, as an operator makes one: new code, collectstatic, migrate, restart gunicorn.

The site's code is copied to a folder of the test's own, which plays the installed release;
its stylesheet is changed there, as the next release's would be. The cache outlives the
restart, as the folder under CACHE_DIR or Redis does in production.
"""

import os
import secrets
import shutil
import sqlite3

import pytest

from tests.helpers import tags
from tests.servers import ROOT, Gunicorn, manage, production_env, require_redis

# The project's own packages, as settings.INSTALLED_APPS names them (and genmig itself).
APPS = ["genmig", "pages", "partners", "drafts", "library"]
PATHS = ["/", "/background/", "/partners/", "/resources/", "/updates/", "/fr/", "/es/partners/"]


@pytest.fixture(scope="module", params=["files", "redis"])
def site(request, tmp_path_factory):
    """The site installed in a folder of its own, migrated, its static files collected."""
    folder = tmp_path_factory.mktemp(f"release-{request.param}")
    root = folder / "site"
    for name in (*APPS, "templates", "static", "locale"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "manage.py", root / "manage.py")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}", CACHE_DIR=str(root / "var" / "cache")
    )
    if request.param == "redis":
        redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        require_redis(redis_url)
        env.update(REDIS_URL=redis_url, CACHE_KEY_PREFIX=f"genmig-test-{secrets.token_hex(4)}")
    release_steps(env, root)
    return {"env": env, "root": root, "database": folder / "db.sqlite3", "logs": folder}


def release_steps(env, root):
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", root=root)
    manage(env, "migrate", "--noinput", root=root)


def start(site, name):
    # One host name before and after the restart (whose port is another), as in production.
    log = site["logs"] / f"{name}.log"
    return Gunicorn(site["env"], log, host="localhost", root=site["root"]).start()


def stylesheet(html):
    [link] = [t["href"] for t in tags(html, "link") if t.get("rel") == "stylesheet"]
    return link


def test_migrate_starts_a_fresh_page_cache(site):
    server = start(site, "migrate")
    try:
        first = server.get("/background/")
        assert "The gender gap in migration" in first.text
        # What a data migration does with update(): no signal, so the cached page stays.
        with sqlite3.connect(site["database"]) as database:
            database.execute(
                "UPDATE pages_page SET title = 'Changed by a migration', "
                "title_en = 'Changed by a migration' WHERE slug = 'background'"
            )
        assert server.get("/background/").header("ETag") == first.header("ETag")
        manage(site["env"], "migrate", "--noinput", root=site["root"])
        assert "Changed by a migration" in server.get("/background/").text
    finally:
        server.stop()


def test_a_release_names_its_new_stylesheet_at_once_and_keeps_the_old_one(site):
    server = start(site, "before")
    try:
        before = {path: server.get(path) for path in PATHS}
        old = {stylesheet(response.text) for response in before.values()}
        assert len(old) == 1 and all(r.status == 200 for r in before.values())
        [old] = old
        # Served from the cache from now on: the same copy again.
        for path, response in before.items():
            assert server.get(path).header("ETag") == response.header("ETag")
        assert server.get(old).status == 200

        css = site["root"] / "static" / "css" / "site.css"
        css.write_text(css.read_text() + "\n.release-marker { color: #0033a0; }\n")
        release_steps(site["env"], site["root"])
        # Until it is restarted, the running code renders and stores its own pages, as an
        # instance not yet restarted does while others already run the new release.
        for path in PATHS:
            assert stylesheet(server.get(f"{path}?after=release").text) == old
    finally:
        server.stop()
    server = start(site, "after")
    try:
        for path in PATHS:
            page = server.get(path)
            assert page.status == 200
            new = stylesheet(page.text)
            assert new != old, f"{path} still names the previous release's stylesheet"
            response = server.get(new)
            assert response.status == 200
            assert b"release-marker" in response.body
        # A page a browser got just before the release still finds its stylesheet.
        kept = server.get(old)
        assert kept.status == 200 and b"release-marker" not in kept.body
    finally:
        server.stop()
