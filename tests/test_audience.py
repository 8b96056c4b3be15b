"""Audience figures: `manage.py import_audience` on access logs in the front's format, and what
editors read of them on the admin's start page and change forms."""

import datetime
import gzip
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from pages.attention import audience_section
from pages.audience import purge_audience
from pages.audience.figures import audience
from pages.models import (
    AudienceDay,
    ImportedLog,
    OpenVisitor,
    Page,
    PathViews,
    ReferrerCount,
    Resource,
    SearchCount,
    Update,
)
from partners.models import Partner

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
UPTIME = "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)"


def when(day=None, hour=10, minute=0):
    day = day or timezone.localdate()
    return f"{day:%d}/{day:%b}/{day:%Y}:{hour:02}:{minute:02}:00 +0000"


def line(
    path,
    address="127.0.0.10",
    agent=FIREFOX,
    status=200,
    referrer="-",
    results="-",
    method="GET",
    day=None,
    hour=10,
):
    return (
        f'{address} - - [{when(day, hour)}] "{method} {path} HTTP/2.0" {status} 512 '
        f'"{referrer}" "{agent}" "{results}"\n'
    )


def import_lines(tmp_path, lines, name="access.log", compress=False):
    path = tmp_path / name
    data = "".join(lines).encode() if isinstance(lines, list) else lines
    if compress:
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    out = io.StringIO()
    call_command("import_audience", str(path), stdout=out)
    return out.getvalue()


def views(path, language=None):
    rows = PathViews.objects.filter(path=path)
    if language is not None:
        rows = rows.filter(language=language)
    return sum(rows.values_list("views", flat=True))


VISITS = [
    line("/background/", referrer="https://www.example.org/a/b?c=d"),
    line("/fr/background/", address="127.0.0.11", agent=CHROME),
    line("/es/background/", address="127.0.0.12"),
    line("/background/", address="127.0.0.12", status=304),
    line("/", address="127.0.0.11", agent=CHROME, referrer="https://localhost/partners/"),
    line("/media/resources/report-3f2a.pdf", address="127.0.0.11", agent=CHROME),
    line("/media/resources/report-3f2a.pdf", address="127.0.0.11", agent=CHROME, status=206),
    line("/search/?q=Gender+Gap", results="4"),
    line("/fr/search/?q=Migration&page=2", results="40"),
    line("/search/?q=quidditch", address="127.0.0.11", agent=CHROME, results="0"),
    # Left out: crawlers, monitoring, the machines' addresses, errors, redirects, forms.
    line("/background/", address="127.0.0.13", agent=GOOGLEBOT),
    line("/", address="127.0.0.13", agent=UPTIME),
    line("/", address="127.0.0.13", agent="-"),
    line("/healthz", address="127.0.0.14"),
    line("/static/css/site.css"),
    line("/admin/"),
    line("/fr/admin/pages/page/"),
    line("/nowhere/", status=404),
    line("/background/", status=502),
    line("/home/", status=301),
    line("/contact/", method="POST", status=302),
    line("/media/updates/renditions/lead-480.webp"),
    line("/robots.txt"),
]


def test_the_import_counts_pages_documents_referrers_and_searches(tmp_path):
    output = import_lines(tmp_path, VISITS)
    assert "23 lines, 0 counted before, 8 counted now, 15 left out" in output
    day = AudienceDay.objects.get(day=timezone.localdate())
    assert (day.views, day.downloads, day.searches, day.visitors) == (5, 1, 2, 3)
    assert day.left_out == 15
    # The language folded in, with a split.
    assert views("/background/") == 4
    assert (views("/background/", "en"), views("/background/", "fr")) == (2, 1)
    assert views("/background/", "es") == 1
    assert views("/") == 1
    # One whole download; a PDF viewer's range request is part of it.
    assert views("/media/resources/report-3f2a.pdf") == 1
    assert PathViews.objects.get(path="/media/resources/report-3f2a.pdf").kind == "document"
    # The referring site's host only; links within the site are not referrers.
    assert list(ReferrerCount.objects.values_list("host", "views")) == [("www.example.org", 1)]
    searches = SearchCount.objects.order_by("term")
    assert [(s.language, s.term, s.searches, s.results) for s in searches] == [
        ("en", "gender gap", 1, 4),
        ("en", "quidditch", 1, 0),
    ]
    for path in ("/healthz", "/static/css/site.css", "/admin/", "/nowhere/", "/robots.txt"):
        assert not PathViews.objects.filter(path=path).exists(), path


def test_importing_the_same_lines_twice_counts_them_once(tmp_path):
    first_part = VISITS[:6]
    import_lines(tmp_path, first_part)
    assert AudienceDay.objects.get().visitors == 3
    output = import_lines(tmp_path, first_part)
    assert "6 counted before, 0 counted now" in output
    # Rotated and compressed, grown since: only the lines after those counted are read; the
    # day's visitors seen before are not counted again.
    later = [line("/background/", address="127.0.0.15"), line("/background/")]
    output = import_lines(tmp_path, first_part + later, name="access.log.1.gz", compress=True)
    assert "8 lines, 6 counted before, 2 counted now" in output
    day = AudienceDay.objects.get()
    assert (day.views, day.visitors) == (7, 4)
    assert views("/background/") == 6
    assert ImportedLog.objects.get().lines == 8


def test_bad_lines_are_skipped_and_reported_never_stored(tmp_path, content_editor_client):
    hostile = "<script>alert(1)</script>"
    good = line("/background/")
    lines = [
        good.encode(),
        b"\xff\xfe not a line \xc3\x28\n",
        good.encode()[:60] + b"\n",  # cut short
        line("/" + "a" * 10_000 + "/").encode(),  # a 10 KB address
        line("/x/" * 10_000).encode(),  # a 30 KB line
        # A line break injected into a line splits it into two that match nothing.
        line("/background/\n127.0.0.99 fake").encode(),
        line("/%ff%fe/").encode(),  # an address that is not UTF-8
        line("/a%0a%0db/").encode(),  # control characters
        line("/search/?q=" + "%3Cscript%3Ealert(1)%3C/script%3E", results="0").encode(),
        line("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E", "127.0.0.11", results="0").encode(),
        line("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E", "127.0.0.12", results="0").encode(),
        line("/search/?q=%ff", results="0").encode(),
        b"\x00" * 100 + b"\n",
        good.encode(),
    ]
    output = import_lines(tmp_path, b"".join(lines))
    assert "15 lines, 0 counted before, 5 counted now, 0 left out" in output
    assert "10 skipped" in output
    assert "not UTF-8: 1" in output and "address too long: 1" in output
    assert "first at lines 2, 3, 4, 5, 6, 7, 8, 9, 13, 14." in output
    assert views("/background/") == 2
    assert SearchCount.objects.get().term == hostile
    html = content_editor_client.get("/admin/").content.decode()
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_address_or_user_agent_from_the_log_reaches_the_database(tmp_path):
    import_lines(tmp_path, VISITS)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    stored = dump.getvalue()
    assert AudienceDay.objects.exists() and OpenVisitor.objects.exists()
    for address in ("127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"):
        assert address not in stored
    for fragment in ("Firefox", "Chrome", "Googlebot", "UptimeRobot", "Gecko", "HTTP/2.0"):
        assert fragment not in stored


def test_a_days_visitor_keys_are_forgotten_once_the_day_is_complete(tmp_path):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    today = timezone.localdate()
    import_lines(tmp_path, [line("/", day=yesterday, hour=23), line("/", day=today, hour=0)])
    assert AudienceDay.objects.filter(complete=False).count() == 2
    assert OpenVisitor.objects.filter(day=yesterday).count() == 1
    # The log went past an hour into today: yesterday is complete.
    import_lines(tmp_path, [line("/search/?q=x", day=today, hour=1)], name="next.log")
    assert AudienceDay.objects.get(day=yesterday).complete
    assert not OpenVisitor.objects.filter(day=yesterday).exists()
    assert OpenVisitor.objects.filter(day=today).count() == 2  # a visitor and their search
    # A day more than a day old is complete whatever the log says.
    old = today - datetime.timedelta(days=5)
    import_lines(tmp_path, [line("/", day=old, hour=3)], name="old.log")
    assert AudienceDay.objects.get(day=old).complete
    assert not OpenVisitor.objects.filter(day=old).exists()


@override_settings(AUDIENCE_RETENTION_DAYS=400)
def test_purge_audience_deletes_the_figures_older_than_the_retention_period(tmp_path):
    today = timezone.localdate()
    kept_day = today - datetime.timedelta(days=400)
    gone_day = today - datetime.timedelta(days=401)
    for day in (kept_day, gone_day):
        import_lines(
            tmp_path,
            [line("/", day=day, referrer="https://a.example/"), line("/search/?q=x", day=day)],
            name=f"{day}.log",
        )
    ImportedLog.objects.filter(first_line__isnull=False).update(
        imported_at=timezone.now() - datetime.timedelta(days=401)
    )
    # The search "x" made by one visitor a day: past the 30 days shown, it goes too.
    assert purge_audience() == 1 + 1 + 1 + 1 + 2 + 1
    for model in (AudienceDay, PathViews, ReferrerCount):
        assert list(model.objects.values_list("day", flat=True).distinct()) == [kept_day]
    assert not SearchCount.objects.exists()
    assert purge_audience() == 0


def test_a_search_fewer_than_three_visitors_made_goes_once_it_can_no_longer_be_shown(tmp_path):
    today = timezone.localdate()
    for age in (31, 31, 30, 29):
        day = today - datetime.timedelta(days=age)
        import_lines(
            tmp_path,
            [
                line("/search/?q=jane+doe", day=day, address=f"127.0.0.{age}"),
                line("/search/?q=visa", day=day, address=f"127.0.0.{age}"),
            ],
            name=f"{day}-{age}.log",
        )
    SearchCount.objects.filter(
        term="jane doe", day__gt=today - datetime.timedelta(days=31)
    ).delete()
    # "visa": 3 visitors over the days kept, kept; "jane doe": 1 visitor, 31 days ago, gone.
    assert purge_audience() == 1
    assert set(SearchCount.objects.values_list("term", flat=True)) == {"visa"}


def test_a_search_shows_only_once_three_visitors_made_it(tmp_path, content_editor_client):
    import_lines(
        tmp_path,
        [
            line("/search/?q=Jane+Doe", "127.0.0.10", results="0"),
            line("/search/?q=jane+doe", "127.0.0.10", results="0"),
            line("/fr/search/?q=visa", "127.0.0.11", results="0"),
            line("/fr/search/?q=visa", "127.0.0.12", results="0"),
        ],
    )
    html = content_editor_client.get("/admin/").content.decode()
    assert "Searches that found nothing" in html
    assert "jane doe" not in html and "visa" not in html
    import_lines(tmp_path, [line("/fr/search/?q=visa", "127.0.0.13", results="0")], "2.log")
    html = content_editor_client.get("/admin/").content.decode()
    assert '<a href="/fr/search/?q=visa" lang="fr">visa</a> (Français)' in html
    assert "jane doe" not in html


def test_the_start_page_shows_what_visitors_read_with_links_to_edit(
    tmp_path, content_editor_client
):
    page = Page.objects.get(slug="background")
    update = Update.objects.create(title_en="A webinar", slug="a-webinar", published=True)
    resource = Resource.objects.create(
        title_en="Report", year=2026, file="resources/report-3f2a.pdf", published=True
    )
    import_lines(tmp_path, [*VISITS, line("/updates/a-webinar/"), line("/updates/a-webinar/")])
    html = content_editor_client.get("/admin/").content.decode()
    section = html.split("What visitors read", 1)[1]
    assert "<svg" in section and "<script" not in section
    assert f'<a href="/admin/pages/page/{page.pk}/change/">/background/</a>' in section
    assert f'<a href="/admin/pages/update/{update.pk}/change/">/updates/a-webinar/</a>' in section
    resource_link = f'<a href="/admin/pages/resource/{resource.pk}/change/">'
    assert resource_link + "/media/resources/report-3f2a.pdf</a>" in section
    counts = re.findall(r'<span class="count">(\d+)</span>', section)
    assert counts[:3] == ["4", "2", "1"]  # background, the update, home
    assert "www.example.org" in section
    assert '<abbr title="Français">fr</abbr> 1' in section


@pytest.mark.parametrize("days", [1, 30])
def test_the_section_costs_at_most_8_queries_whatever_the_data(days, django_assert_max_num_queries):
    today = timezone.localdate()
    for number in range(days):
        day = today - datetime.timedelta(days=number)
        AudienceDay.objects.create(day=day, views=100, visitors=50)
        PathViews.objects.bulk_create(
            PathViews(day=day, path=f"/page-{index}/", language=language, kind="page", views=3)
            for index in range(20)
            for language in ("en", "fr", "es")
        )
        PathViews.objects.bulk_create(
            PathViews(day=day, path=f"/media/{index}.pdf", language="", kind="document", views=2)
            for index in range(20)
        )
        PathViews.objects.create(day=day, path="/updates/x/", language="en", kind="page", views=9)
        ReferrerCount.objects.bulk_create(
            ReferrerCount(day=day, host=f"site{index}.example", views=1) for index in range(days)
        )
        SearchCount.objects.bulk_create(
            SearchCount(day=day, language="en", term=f"t{i}", searches=5, visitors=3, results=0)
            for i in range(20)
        )
    with django_assert_max_num_queries(8):
        found = audience()
    assert len(found["pages"]) == len(found["documents"]) == 10
    assert len(found["not_found"]) == 10


def test_the_change_form_shows_the_items_views_in_the_last_30_days(content_editor_client):
    today = timezone.localdate()
    page = Page.objects.get(slug="background")
    partner = Partner.objects.create(name_en="UN Women", slug="un-women", type="un")
    for language, count in (("en", 7), ("fr", 2)):
        PathViews.objects.create(
            day=today, path="/background/", language=language, kind="page", views=count
        )
    old = today - datetime.timedelta(days=30)
    PathViews.objects.create(day=old, path="/background/", language="en", kind="page", views=50)
    PathViews.objects.create(day=today, path="/partners/", language="en", kind="page", views=1)
    html = content_editor_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    assert "Read 9 times in the last 30 days (/background/). English: 7, Français: 2." in html
    html = content_editor_client.get(
        f"/admin/partners/partner/{partner.pk}/change/"
    ).content.decode()
    assert "Read 1 time in the last 30 days (/partners/)." in html
    html = content_editor_client.get(f"/fr/admin/pages/page/{page.pk}/change/").content.decode()
    assert "Lu 9 fois ces 30 derniers jours (/background/)." in html


def test_the_section_speaks_the_editors_language(tmp_path, content_editor_client):
    import_lines(tmp_path, VISITS)
    assert "Ce que lisent les visiteurs" in content_editor_client.get("/fr/admin/").content.decode()
    assert "Lo que leen los visitantes" in content_editor_client.get("/es/admin/").content.decode()


def test_before_any_import_the_section_says_where_its_figures_come_from(content_editor_client):
    html = content_editor_client.get("/admin/").content.decode()
    section = html.split("What visitors read", 1)[1]
    assert "No visits counted yet in the last 30 days" in section
    assert "audience-visits" not in section


def test_only_editors_see_the_section(rf, django_user_model, tmp_path):
    import_lines(tmp_path, VISITS)
    handler = django_user_model.objects.create_user(username="handler", is_staff=True)
    handler.groups.add(Group.objects.get(name="Enquiry handlers"))
    request = rf.get("/admin/")
    request.user = handler
    assert audience_section(request) is None


def test_a_search_tells_the_front_how_many_results_it_found(client):
    assert client.get("/search/?q=zzzqqqxxx").headers["X-Search-Results"] == "0"
    assert "X-Search-Results" not in client.get("/search/").headers


def test_a_log_that_cannot_be_read_is_named_and_the_others_are_counted(tmp_path):
    good = tmp_path / "access.log"
    good.write_text(line("/background/"))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="Some logs could not be read"):
        call_command(
            "import_audience", str(tmp_path / "missing.log"), str(good), stdout=out, stderr=err
        )
    assert "missing.log: cannot be read (No such file or directory)." in err.getvalue()
    assert views("/background/") == 1
