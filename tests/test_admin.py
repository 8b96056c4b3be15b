import pytest

from pages.models import Page

ADMIN_URLS = [
    "/admin/",
    "/admin/pages/page/",
    "/admin/pages/page/add/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_pages_load_for_staff(staff_client, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.django_db
def test_admin_change_form_for_a_page_loads_with_help_texts(staff_client):
    page = Page.objects.get(slug="background")
    response = staff_client.get(f"/admin/pages/page/{page.pk}/change/")
    assert response.status_code == 200
    assert "Only published pages can be seen by visitors" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_redirects_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_admin_publish_and_unpublish_actions(staff_client, make_page):
    draft = make_page(title="Draft", slug="draft", published=False)
    response = staff_client.post(
        "/admin/pages/page/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 item published." in response.content.decode()
    draft.refresh_from_db()
    assert draft.published
    staff_client.post("/admin/pages/page/", {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.published


@pytest.mark.django_db
def test_editing_a_page_in_admin_changes_the_public_page(staff_client, client):
    page = Page.objects.get(slug="background")
    response = staff_client.post(
        f"/admin/pages/page/{page.pk}/change/",
        {
            "title_en": page.title,
            "summary_en": page.summary,
            "body_en": "New **background** text.",
            "published": "on",
            "show_in_nav": "on",
            "nav_position": 20,
            "nav_title_en": "Background",
            "slug": "background",
        },
    )
    assert response.status_code == 302
    assert "New <strong>background</strong> text." in client.get("/background/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["", "/fr"])
def test_every_list_add_and_change_screen_of_the_admin_opens(
    staff_client, content_editor_client, language
):
    from django.contrib import admin

    checked = []
    for model in admin.site._registry:
        opts = model._meta
        base = f"{language}/admin/{opts.app_label}/{opts.model_name}/"
        first = model._default_manager.order_by("pk").first()
        paths = [base, f"{base}add/"] + ([f"{base}{first.pk}/change/"] if first else [])
        for client in (staff_client, content_editor_client):
            for path in paths:
                status = client.get(path).status_code
                assert status in (200, 302, 403), (path, status)
                checked.append(path)
    assert f"{language}/admin/pages/sitesettings/1/change/" in checked


@pytest.mark.django_db
def test_a_screen_an_editor_may_not_open_says_so_and_leads_back(content_editor_client):
    response = content_editor_client.get("/fr/admin/partners/enquiry/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Vous n’êtes pas autorisé" in html or "Non autorisé" in html
    assert 'href="/fr/admin/"' in html
