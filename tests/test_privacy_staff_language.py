"""The language a member of staff last used the admin in is personal data: exported, erased,
and in the privacy notice's table."""

import json

import pytest

from drafts.models import StaffLanguage
from genmig import personal_data
from pages.models import Page
from tests.helpers import sign_in_verified
from tests.test_drafts import change_url
from tests.test_history import page_form
from tests.test_privacy import erasure_file, run  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina(django_user_model, client):
    """A member of staff who saved a draft in the French admin: her language is remembered."""
    user = django_user_model.objects.create_superuser(
        username="amina", email="Amina.Diallo@example.org", password="a-long-test-password"
    )
    sign_in_verified(client, user)
    page = Page.objects.get(slug="background")
    data = page_form(page, body_en="A new wording.", _savedraft="1", _draft_revision=0)
    response = client.post(f"/fr{change_url(page)}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert StaffLanguage.objects.get(user=user).language == "fr"
    return user


def test_the_export_holds_the_staff_language(amina):
    out, _err = run("personal_data", "export", " AMINA.diallo@example.org ")
    assert json.loads(out)["staff_language"] == [{"username": "amina", "language": "fr"}]
    assert personal_data.export("someone.else@example.org") == {}


def test_erasure_deletes_the_staff_language(amina, django_user_model, erasure_file):  # noqa: F811
    other = django_user_model.objects.create_user(username="omar", email="omar@example.org")
    StaffLanguage.objects.create(user=other, language="es")
    out, _err = run("personal_data", "erase", "amina.diallo@example.org", "--noinput")
    assert "1 staff language" in out
    assert list(StaffLanguage.objects.values_list("user__username", flat=True)) == ["omar"]
    assert "staff_language" not in personal_data.export("amina.diallo@example.org")


def test_the_admin_says_the_staff_language_is_deleted(amina, client, erasure_file):  # noqa: F811
    found = client.get("/admin/personal-data/", {"email": "amina.diallo@example.org"})
    assert "<li>Language of the admin, for review emails: 1</li>" in found.content.decode()
    confirm = client.post(
        "/fr/admin/personal-data/", {"email": "amina.diallo@example.org", "action": "confirm"}
    )
    assert "Langue de l’administration, pour les courriels de relecture : 1 supprimé(s)." in (
        confirm.content.decode()
    )
    assert StaffLanguage.objects.filter(user=amina).exists()  # nothing before the confirmation


def test_the_notice_says_how_long_the_staff_language_is_kept(client):
    html = client.get("/privacy/").content.decode()
    assert (
        "<td>The language each member of staff last used the admin in, for their review emails"
        "</td><td>while the account exists; deleted with it or on request</td>"
    ) in html
    french = client.get("/fr/privacy/").content.decode()
    assert "tant que le compte existe ; supprimée avec lui ou sur demande" in french
