"""Staff accounts over their life: deleted with their second factors, erased for good (the
IOM account does not bring them back), seeing drafts only once signed in all the way, and
signing in while the cache server is down."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from genmig import personal_data
from genmig.staff.factors import check_code, is_locked
from genmig.staff.models import Identity, SignInRecord
from genmig.staff.oidc import StaffOIDCBackend
from pages.models import Page
from tests.helpers import sign_in_verified
from tests.servers import free_port

ISSUER = "https://login.example.org/tenant/v2.0"


@pytest.mark.django_db(transaction=True)
def test_an_account_with_second_factors_can_be_deleted(django_user_model):
    user = django_user_model.objects.create_user("leaver", "leaver@iom.int", "a-long-password")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    with transaction.atomic():
        user.delete()
    assert not django_user_model.objects.filter(username="leaver").exists()
    assert not TOTPDevice.objects.exists() and not SignInRecord.objects.exists()


@pytest.mark.django_db
@override_settings(
    STAFF_OIDC_ISSUER=ISSUER, STAFF_OIDC_ROLE_GROUPS={"GenMig.Editors": "Content editors"}
)
def test_an_erased_account_never_comes_back_through_the_iom_account(django_user_model):
    user = django_user_model.objects.create_user("alice", "alice@example.org", is_staff=True)
    Identity.objects.create(user=user, issuer=ISSUER, subject="oid-alice")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    claims = {"oid": "oid-alice", "email": "Alice@Example.org", "given_name": "Alice"}
    assert personal_data.export("alice@example.org")["iom_account"][0]["subject"] == "oid-alice"

    personal_data.erase("alice@example.org")

    backend = StaffOIDCBackend()
    assert not backend.filter_users_by_claims(claims).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert backend.update_user(user, {**claims, "roles": ["GenMig.Editors"]}) is None
    user.refresh_from_db()
    assert (user.email, user.first_name, user.is_staff) == ("", "", False)
    assert personal_data.export("alice@example.org") == {}


@pytest.mark.django_db
def test_sign_ins_typed_with_the_address_are_exported_and_erased(django_user_model):
    django_user_model.objects.create_user("bob", "bob@iom.int")
    SignInRecord.objects.create(
        when="2026-12-01T10:00Z", event="failed", method="password", username="BOB@iom.int"
    )
    assert len(personal_data.export("bob@iom.int")["sign_in_records"]) == 1
    personal_data.erase("bob@iom.int")
    assert not SignInRecord.objects.exists()


@pytest.mark.django_db
def test_drafts_wait_for_the_second_factor(django_user_model):
    Page.objects.create(title="Embargoed", slug="embargoed", body="Not yet", published=False)
    user = django_user_model.objects.create_user("writer", "writer@iom.int", is_staff=True)
    user.groups.add(Group.objects.get(name="Content editors"))
    password_only = Client()
    password_only.force_login(user)
    assert password_only.get("/embargoed/").status_code == 404
    assert sign_in_verified(Client(), user).get("/embargoed/").status_code == 200


@pytest.mark.django_db
def test_second_factor_codes_are_checked_while_the_cache_server_is_down(django_user_model):
    user = django_user_model.objects.create_user("keeper", "keeper@iom.int", "a-long-password")
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    down = {
        "default": {
            "BACKEND": "genmig.stores.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    with override_settings(CACHES=down):
        assert is_locked(user) is False
        assert check_code(None, user, "000000") is None  # a wrong code: counted, not a 500
