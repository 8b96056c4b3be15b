import os
import subprocess
import sys
from pathlib import Path

import pytest

from pages.markdown import render_markdown

ROOT = Path(__file__).resolve().parent.parent

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "![x](javascript:alert(1))",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<style>body{display:none}</style>",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=q></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<div onmouseover=alert(1)>hover</div>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
]

FORBIDDEN = [
    "<script", "<iframe", "<svg", "<img", "<object", "<embed", "<form", "<input", "<style",
    "<meta", "<base", "<link", "<math", "style=", "javascript:", "vbscript:", "data:",
    "onerror", "onload", "onmouseover",
]  # fmt: skip


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_sanitiser_removes_every_active_part(payload):
    html = str(render_markdown(f"Before\n\n{payload}\n\nAfter")).lower()
    for needle in FORBIDDEN:
        assert needle not in html, f"{needle!r} survived in {html!r}"
    assert "before" in html


def test_markdown_keeps_ordinary_formatting():
    html = str(render_markdown("# Title\n\nSome **bold** and a [link](https://iom.int).\n\n- one"))
    assert "<h2>Title</h2>" in html  # the page title is the only <h1>
    assert "<strong>bold</strong>" in html
    assert '<a href="https://iom.int" rel="noopener noreferrer">link</a>' in html
    assert "<li>one</li>" in html


def _start_django(**overrides):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "EMAIL_URL")
    }
    environment.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION_MINIMUM = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "genmig.example.org",
    "EMAIL_URL": "smtp+tls://genmig:secret@smtp.example.org:587",
}


@pytest.mark.parametrize("missing", list(PRODUCTION_MINIMUM))
def test_production_settings_refuse_to_start_without(missing):
    complete = dict(PRODUCTION_MINIMUM)
    del complete[missing]
    result = _start_django(**complete)
    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stderr


def test_production_settings_start_with_key_hosts_and_mail_server():
    result = _start_django(**PRODUCTION_MINIMUM)
    assert result.returncode == 0, result.stderr


def test_debug_mode_starts_with_no_configuration():
    result = _start_django(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("X-Forwarded-Proto", 0, {"genmig.W001"}),  # behind a proxy, every visitor is one
        ("", 1, {"genmig.W002"}),
        ("X-Forwarded-Proto", 1, set()),
        ("", 0, set()),
    ],
)
def test_the_deploy_check_warns_when_the_proxy_settings_disagree(
    settings, header, proxies, expected
):
    from django.core.checks import run_checks

    settings.PROXY_SSL_HEADER = header
    settings.TRUSTED_PROXY_COUNT = proxies
    found = {message.id for message in run_checks(include_deployment_checks=True)}
    assert found & {"genmig.W001", "genmig.W002"} == expected
    # Only with --deploy: a developer's machine has no proxy.
    assert not {message.id for message in run_checks()} & {"genmig.W001", "genmig.W002"}


def test_the_documented_environment_sets_one_proxy_consistently():
    documented = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            documented[name.strip()] = value.strip()
    assert documented["DJANGO_PROXY_SSL_HEADER"] == "X-Forwarded-Proto"
    assert documented["TRUSTED_PROXY_COUNT"] == "1"
    assert documented["FORWARDED_ALLOW_IPS"]
