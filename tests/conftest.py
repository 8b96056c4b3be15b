import pytest
from django.test import Client

from pages.models import Page


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(db, django_user_model):
    """A logged-in superuser, separate from the anonymous `client`."""
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@iom.int", password="a-long-test-password"
    )
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def make_page(db):
    def make(**fields):
        fields.setdefault("title", "A page")
        fields.setdefault("slug", "a-page")
        fields.setdefault("summary", "What the page is about.")
        fields.setdefault("published", True)
        return Page.objects.create(**fields)

    return make
