"""Where an item stands: a publishing time only works on a published item (the form refuses
the other pair and says why), the bulk actions keep to that, and each change form says at its
top what visitors get, with the link to see it."""

import datetime
import html as html_module
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pages.models import Page, Resource, Scheduled, Update
from partners.models import Benefit, Partner, PartnerType

pytestmark = pytest.mark.django_db

LAUNCH = datetime.datetime(2030, 1, 14, 8, tzinfo=datetime.UTC)  # 09:00 in Geneva
ENDED = datetime.datetime(2020, 3, 2, 17, tzinfo=datetime.UTC)  # 18:00 in Geneva


def update(title, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("summary", "What happened.")
    fields.setdefault("published", True)
    return Update.objects.create(title=title, **fields)


def one_of_each(**fields):
    return [
        Page(title="P", slug="p", summary="s", **fields),
        Update(title="U", slug="u", summary="s", date=datetime.date(2026, 1, 1), **fields),
        Resource(title="R", year=2024, url="https://publications.iom.int/x", summary="s", **fields),
        Partner(name="N", slug="n", type=PartnerType.NGO, **fields),
    ]


def status_of(client, obj):
    """The words of the status line at the top of the item's change form, and its link."""
    opts = obj._meta
    page = client.get(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
    assert page.status_code == 200
    found = re.search(r'<div class="item-status [^"]*">(.*?)</div>', page.content.decode(), re.S)
    assert found, "no status line"
    link = re.search(r'<a href="([^"]+)">', found.group(1))
    text = " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())
    return html_module.unescape(text), link and html_module.unescape(link.group(1))


# A publishing time needs “Published”


def test_a_publishing_time_on_an_unpublished_item_is_refused_on_every_kind():
    for item in one_of_each(published=False, publish_at=LAUNCH):
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        message = refused.value.message_dict["published"][0]
        assert "would stay a draft and never go live" in message, type(item)
        assert "14 January 2030, 09:00, Geneva time" in message  # wherever it is said
    for item in one_of_each(published=True, publish_at=LAUNCH):
        item.full_clean()  # published: it goes live then
    for item in one_of_each(published=False, publish_at=ENDED):
        item.full_clean()  # a time gone by publishes nothing either way: no schedule waits


def test_the_form_says_what_would_happen_and_saves_nothing(staff_client):
    fields = {
        "kind": "news",
        "title_en": "Launch",
        "slug": "launch",
        "date": "2027-01-15",
        "summary_en": "s",
        "time_zone": "Europe/Zurich",
        "publish_at_0": "2030-01-14",
        "publish_at_1": "09:00:00",
    }
    response = staff_client.post("/admin/pages/update/add/", fields)
    assert response.status_code == 200
    page = html_module.unescape(response.content.decode())
    assert (
        "A publishing time is set (14 January 2030, 09:00, Geneva time) but “Published” is not "
        "ticked: the item would stay a draft and never go live." in page
    )
    assert not Update.objects.filter(slug="launch").exists()

    response = staff_client.post("/admin/pages/update/add/", {**fields, "published": "on"})
    assert response.status_code == 302
    saved = Update.objects.get(slug="launch")
    assert saved.publish_at == LAUNCH
    assert saved.schedule_state() == Scheduled.State.SCHEDULED


def test_publishing_in_bulk_says_which_items_wait_for_their_time(staff_client):
    waiting = update("Waiting", published=False, publish_at=LAUNCH)
    now = update("Right away", published=False)
    response = staff_client.post(
        "/admin/pages/update/",
        {"action": "publish", "_selected_action": [waiting.pk, now.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["2 items published. 1 of them goes live only at its publishing time."]
    waiting.refresh_from_db()
    assert waiting.schedule_state() == Scheduled.State.SCHEDULED
    listed = staff_client.get("/admin/pages/update/").content.decode()
    assert "Scheduled for 14 January 2030, 09:00" in listed


def test_unpublishing_in_bulk_empties_a_publishing_time_still_to_come(staff_client):
    scheduled = update("Scheduled", publish_at=LAUNCH)
    started = update("Started", publish_at=ENDED)
    response = staff_client.post(
        "/admin/pages/update/",
        {"action": "unpublish", "_selected_action": [scheduled.pk, started.pk]},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "2 items unpublished. The publishing time of 1 was emptied: it will not go live on its own."
    ]
    scheduled.refresh_from_db()
    started.refresh_from_db()
    assert (scheduled.published, scheduled.publish_at) == (False, None)
    assert (started.published, started.publish_at) == (False, ENDED)
    for item in (scheduled, started):
        item.full_clean()  # the form accepts each as it now is
    # Partners are scheduled too; benefits have no schedule and are unpublished all the same.
    partner = Partner.objects.create(
        name="Later", slug="later", type=PartnerType.NGO, published=True, publish_at=LAUNCH
    )
    benefit = Benefit.objects.create(text="A benefit")
    staff_client.post(
        "/admin/partners/partner/", {"action": "unpublish", "_selected_action": [partner.pk]}
    )
    staff_client.post(
        "/admin/partners/benefit/", {"action": "unpublish", "_selected_action": [benefit.pk]}
    )
    partner.refresh_from_db()
    benefit.refresh_from_db()
    assert (partner.published, partner.publish_at, benefit.published) == (False, None, False)


def test_list_start_page_and_site_agree_on_a_draft_with_a_publishing_time(staff_client, client):
    soon = timezone.now() + datetime.timedelta(days=3)
    # Saved before the form refused the pair: a draft whatever its time says.
    update("Stuck", published=False, publish_at=soon)
    listed = html_module.unescape(staff_client.get("/admin/pages/update/").content.decode())
    assert "Draft: “Published” is needed for" in listed
    start = staff_client.get("/admin/").content.decode()
    assert "/admin/pages/update/?soon=live" not in start
    assert "Nothing going live or expiring in the next 14 days." in start
    assert client.get("/updates/stuck/").status_code == 404


# The status line of each change form


def test_each_state_is_said_at_the_top_of_the_change_form(staff_client):
    draft = update("Draft one", published=False)
    scheduled = update("Launch", publish_at=LAUNCH, unpublish_at=LAUNCH.replace(year=2031))
    public = update("Public one")
    until = update("Until", unpublish_at=LAUNCH)
    expired = update("Old call", unpublish_at=ENDED)
    preview = "Preview it on the site (only signed-in staff see it)"
    assert status_of(staff_client, draft) == (
        f"Draft Visitors do not see it. {preview}",
        "/updates/draft-one/",
    )
    assert status_of(staff_client, scheduled) == (
        "Scheduled for 14 January 2030, 09:00 (Geneva time) Visitors do not see it yet. They stop "
        f"seeing it on 14 January 2031, 09:00. {preview}",
        "/updates/launch/",
    )
    assert status_of(staff_client, public) == (
        "Public Visitors see it. View it on the site",
        "/updates/public-one/",
    )
    assert status_of(staff_client, until)[0] == (
        "Public Visitors see it until 14 January 2030, 09:00 (Geneva time). View it on the site"
    )
    assert status_of(staff_client, expired) == (
        f"Expired since 2 March 2020, 18:00 (Geneva time) Visitors no longer see it. {preview}",
        "/updates/old-call/",
    )
    # The preview link opens the item for staff, and only for staff.
    assert staff_client.get("/updates/draft-one/").status_code == 200


def test_kinds_without_a_page_of_their_own_say_where_they_appear(staff_client):
    resource = Resource.objects.create(
        title="Report", year=2024, url="https://publications.iom.int/x", summary="s"
    )
    text, link = status_of(staff_client, resource)
    assert text == (
        "Draft Visitors do not see it. It has no page of its own to preview; it appears on the "
        "site once public."
    )
    assert link is None
    resource.published = True
    resource.save()
    assert status_of(staff_client, resource) == (
        "Public Visitors see it. View it on the site",
        f"/resources/#resource-{resource.pk}",
    )
    benefit = Benefit.objects.create(text="Access to data", published=False)
    assert status_of(staff_client, benefit)[0].startswith("Draft Visitors do not see it.")
    benefit.published = True
    benefit.save()
    assert status_of(staff_client, benefit) == ("Public Visitors see it.", None)


def test_a_draft_with_a_publishing_time_says_it_takes_effect_only_once_published(staff_client):
    stuck = update("Stuck", published=False, publish_at=LAUNCH)
    text, _link = status_of(staff_client, stuck)
    assert text.startswith(
        "Draft Visitors do not see it. Its publishing time (14 January 2030, 09:00, Geneva time) "
        "takes effect only once it is marked published."
    )


def test_a_new_item_has_no_status_line(staff_client):
    html = staff_client.get("/admin/pages/update/add/").content.decode()
    assert "item-status" not in html


def test_the_status_line_speaks_the_editors_language(staff_client):
    scheduled = update("Launch", publish_at=LAUNCH)
    opts = scheduled._meta
    for prefix, expected in (
        ("/fr", "Programmé pour le 14 janvier 2030, 09:00 (heure de Genève)"),
        ("/es", "Programado para el 14 de enero de 2030, 09:00 (hora de Ginebra)"),
    ):
        page = staff_client.get(
            f"{prefix}/admin/{opts.app_label}/{opts.model_name}/{scheduled.pk}/change/"
        )
        html = html_module.unescape(page.content.decode())
        assert expected in html, prefix
