"""Chromium and Java for the real-browser tests, and what to say when either is missing."""

import os
import re
import shutil

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines this runs on have no network but loopback: without these flags Chromium
    # keeps trying to reach its update and sync services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "apt-get install chromium default-jre-headless"


def java():
    return shutil.which("java")


def missing_tools():
    """One line naming what is missing and how to install it, or "" when nothing is."""
    missing = [
        name
        for name, found in (("Chromium", os.path.exists(CHROMIUM)), ("Java", java()))
        if not found
    ]
    return f"{' and '.join(missing)} not found: {INSTALL_HINT}" if missing else ""


def in_ci():
    """Under CI a missing browser or Java is a failure, never a skip."""
    return os.environ.get("CI") == "true"


def signed_in_tab(browser, base, username, password):
    """A new browser context with a tab signed in to the admin at `base`: (context, tab)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    tab.click("input[type=submit]")
    give_code(tab, base)
    return context, tab


def give_code(tab, base):
    """After the password, the second factor: a recovery code of the test accounts."""
    from tests.servers import next_recovery_code

    tab.wait_for_url(re.compile(re.escape(base) + "/admin/staff/second-factor/"))
    tab.fill("#id_code", next_recovery_code())
    tab.click("input[type=submit]")
    tab.wait_for_url(base + "/admin/")
