"""Local accounts (a password of this site) need a second factor: an authenticator app code,
or a recovery code once; wrong codes count as failed sign-ins; sign-in records."""

import re
import time
from datetime import timedelta

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from genmig.staff.models import SignInRecord
from genmig.staff.records import (
    erase_sign_in_records_of,
    purge_sign_in_records,
    record,
    sign_in_records_of,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOGIN = "/admin/login/?next=/admin/pages/page/"


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("keeper", "keeper@iom.int", PASSWORD)


def app_code(device, drift=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return f"{totp.token():0{device.digits}d}"


def password_sign_in(address="10.9.0.1", username="keeper", password=PASSWORD):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def set_up_app(client):
    """Through the set-up page: the key shown, a code from it, the recovery codes."""
    page = client.get("/admin/pages/page/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/admin/staff/second-factor/set-up/")
    device = TOTPDevice.objects.get(confirmed=False)
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    assert key.replace(" ", "")  # shown to type into the app
    # and as a QR code of the app's address, for the phone to scan
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff"
    )
    assert qr in page.content.decode() and device.config_url.startswith("otpauth://totp/")
    done = client.post(page.redirect_chain[-1][0], {"code": app_code(device)}, follow=True)
    codes = re.findall(r"<li>(\w+)</li>", done.content.decode())
    assert len(codes) == 10
    return device, codes, done


def test_a_local_account_sets_up_an_app_before_it_reaches_anything(admin_user):
    client, response = password_sign_in()
    assert response.status_code == 302
    for path in (
        "/admin/",
        "/admin/pages/page/",
        "/admin/auth/user/",
        "/admin/staff/signinrecord/",
    ):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/admin/staff/second-factor/set-up/")
    # A wrong code does not turn it on.
    page = client.post("/admin/staff/second-factor/set-up/", {"code": "000000"})
    assert "This code is not right" in page.content.decode()
    assert client.get("/admin/").status_code == 302
    time.sleep(1.1)  # django-otp refuses every code for a second after a wrong one

    device, codes, done = set_up_app(client)
    assert "shown only now" in done.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/admin/pages/page/").status_code == 200
    events = list(SignInRecord.objects.order_by("pk").values_list("event", "method"))
    assert events == [("signed-in", "password"), ("factor-added", "totp")]


def test_the_next_sign_in_asks_for_a_code_and_a_recovery_code_works_once(admin_user):
    client, _response = password_sign_in()
    device, codes, _done = set_up_app(client)

    again, _response = password_sign_in()
    answer = again.get("/admin/")
    assert answer["Location"].startswith("/admin/staff/second-factor/?")
    # The app's next code (the one just used is refused as a replay).
    verified = again.post("/admin/staff/second-factor/", {"code": app_code(device, 1)})
    assert verified.status_code == 302
    assert again.get("/admin/").status_code == 200

    third, _response = password_sign_in()
    assert third.post("/admin/staff/second-factor/", {"code": codes[0]}).status_code == 302
    assert third.get("/admin/").status_code == 200
    fourth, _response = password_sign_in()
    used = fourth.post("/admin/staff/second-factor/", {"code": codes[0]})
    assert used.status_code == 200
    assert "not right, or was used already" in used.content.decode()
    assert fourth.get("/admin/")["Location"].startswith("/admin/staff/second-factor/")
    methods = SignInRecord.objects.filter(event="signed-in").values_list("method", flat=True)
    assert sorted(methods) == sorted(["password"] * 4 + ["totp", "recovery"])


def test_wrong_codes_count_as_failed_sign_ins(admin_user):
    client, _response = password_sign_in()
    set_up_app(client)
    limit = settings.AXES_FAILURE_LIMIT
    again, _response = password_sign_in("10.9.0.2")
    statuses = [
        again.post("/admin/staff/second-factor/", {"code": "123456"}).status_code
        for _ in range(limit)
    ]
    assert statuses[:-1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    assert SignInRecord.objects.filter(event="failed", method="totp").count() == limit
    # Signed out, and the codes stay refused for the lockout time, even with the password
    # again: guessing cannot go on by signing in anew.
    assert again.get("/admin/")["Location"].startswith("/admin/login/")
    other, response = password_sign_in("10.9.0.3")
    assert other.post("/admin/staff/second-factor/", {"code": "123456"}).status_code == 429


def test_only_admin_pages_allow_passkeys(admin_user, staff_client):
    public = Client().get("/contact/")
    admin_page = staff_client.get("/admin/")

    def policy(response):
        return dict(part.strip().split("=") for part in response["Permissions-Policy"].split(","))

    for feature in ("publickey-credentials-get", "publickey-credentials-create"):
        assert policy(public)[feature] == "()"
        assert policy(admin_page)[feature] == "(self)"
    assert policy(admin_page)["camera"] == "()"


def test_sessions_end_with_the_browser_and_after_the_staff_hours(admin_user, staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert staff_client.session.get_expiry_age() == settings.STAFF_SESSION_HOURS * 3600 == 8 * 3600
    client, response = password_sign_in()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes


def test_a_password_change_ends_the_account_s_other_sessions(admin_user):
    first, _response = password_sign_in()
    device, codes, _done = set_up_app(first)
    second, _response = password_sign_in()
    second.post("/admin/staff/second-factor/", {"code": codes[0]})
    assert second.get("/admin/").status_code == 200
    changed = first.post(
        f"/admin/auth/user/{admin_user.pk}/password/",
        {"password1": "another-long-password-9", "password2": "another-long-password-9"},
    )
    assert changed.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/")["Location"].startswith("/admin/login/")


def test_removing_a_second_factor_ends_other_sessions_and_is_recorded(admin_user):
    first, _response = password_sign_in()
    device, codes, _done = set_up_app(first)
    second, _response = password_sign_in()
    second.post("/admin/staff/second-factor/", {"code": codes[0]})
    assert second.get("/admin/").status_code == 200
    removed = first.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert second.get("/admin/")["Location"].startswith("/admin/login/")
    assert SignInRecord.objects.filter(event="factor-removed", user=admin_user).count() == 1
    # The one who removed it must set up a factor again before going on.
    assert first.get("/admin/")["Location"].startswith("/admin/staff/second-factor/set-up/")


def test_failed_password_sign_ins_are_recorded_with_the_address(admin_user):
    password_sign_in("10.9.0.7", password="wrong")
    [entry] = SignInRecord.objects.all()
    assert (entry.event, entry.method, entry.username, entry.address) == (
        "failed",
        "password",
        "keeper",
        "10.9.0.7",
    )


def test_records_are_kept_for_the_retention_days_and_exported_per_person(admin_user, settings):
    settings.SIGN_IN_RECORD_RETENTION_DAYS = 30
    now = timezone.now()
    for days in (31, 29, 1):
        entry = record(None, "signed-in", "password", user=admin_user)
        SignInRecord.objects.filter(pk=entry.pk).update(when=now - timedelta(days=days))
    record(None, "failed", "password", username="someone-else")
    record(None, "failed", "password", username="keeper")  # typed, no user
    assert purge_sign_in_records(now=now) == 1
    exported = sign_in_records_of(admin_user)
    assert [item["event"] for item in exported] == ["signed-in", "signed-in", "failed"]
    assert all(item["username"] == "keeper" for item in exported)
    assert purge_sign_in_records(now=now + timedelta(days=31)) == 4


def test_one_person_s_records_are_erased(admin_user):
    record(None, "signed-in", "password", user=admin_user)
    record(None, "failed", "password", username="keeper")
    record(None, "failed", "password", username="someone-else")
    assert erase_sign_in_records_of(admin_user) == 2
    assert list(SignInRecord.objects.values_list("username", flat=True)) == ["someone-else"]


def test_only_superusers_see_the_sign_in_records(django_user_model):
    from django.contrib.auth.models import Group

    from tests.helpers import sign_in_verified

    editor = django_user_model.objects.create_user("ed", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Content editors"))
    client = sign_in_verified(Client(), editor)
    assert client.get("/admin/staff/signinrecord/").status_code == 403
