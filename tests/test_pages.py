import pytest
from django.test import RequestFactory

from genmig.views import server_error
from pages.chart import female_share_chart
from pages.models import Page
from tests.helpers import tags

PUBLIC_URLS = ["/", "/background/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_answers_with_one_h1_and_meta_description(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(tags(html, "h1")) == 1
    assert [t["lang"] for t in tags(html, "html")] == ["en"]
    descriptions = [t for t in tags(html, "meta") if t.get("name") == "description"]
    assert len(descriptions) == 1 and descriptions[0]["content"]
    assert len(tags(html, "main")) == 1
    first_link = tags(html, "a")[0]
    assert first_link["href"] == "#main"


@pytest.mark.django_db
def test_home_shows_the_genmig_introduction(client):
    html = client.get("/").content.decode()
    assert "Ugochi Daniels" in html
    assert "Sustainable Development Goals 5 and 10" in html
    assert "Global Compact for Safe, Orderly and Regular Migration" in html
    assert "Immigration, Refugees and Citizenship Canada" in html
    assert "For more information" in html and "Fore more" not in html
    assert 'href="mailto:research@iom.int"' in html
    # The IOM site's navigation, captured with the source text, is not GenMig content.
    assert "WHO WE ARE" not in html and "Take Action" not in html


@pytest.mark.django_db
def test_background_states_the_figures_and_the_right_difference(client):
    html = client.get("/background/").content.decode()
    assert "49.4 per cent" in html and "47.9 per cent" in html
    assert "1.5 percentage points" in html
    assert "1.4 per cent" not in html


@pytest.mark.django_db
def test_background_chart_is_inline_svg_with_title_desc_table_and_source(client):
    html = client.get("/background/").content.decode()
    # Icons (the search button's) are hidden from assistive technology; the chart is the image.
    svgs = [svg for svg in tags(html, "svg") if svg.get("aria-hidden") != "true"]
    assert len(svgs) == 1 and svgs[0]["role"] == "img"
    assert '<title id="chart-title">' in html and '<desc id="chart-desc">' in html
    assert len(tags(html, "script")) == 0
    chart = female_share_chart()
    assert [p.year for p in chart.points] == [1990, 1995, 2000, 2005, 2010, 2015, 2019]
    # Every figure is in the table, and each point is labelled on the chart.
    assert len(tags(html, "tr")) == 1 + len(chart.points)
    assert "271,642,105" in html and "47.91%" in html
    assert ">47.9</text>" in html and ">49.2</text>" in html
    assert "International Migrant Stock 2019" in html


def test_chart_points_rise_and_fall_with_the_data():
    points = female_share_chart().points
    # SVG y grows downwards: a larger share is drawn higher.
    for a, b in zip(points, points[1:], strict=False):
        assert a.x < b.x
        assert (a.share > b.share) == (a.y < b.y)


@pytest.mark.django_db
def test_navigation_lists_published_pages_in_order(client, make_page):
    make_page(title="Hidden", slug="hidden", published=False)
    make_page(title="Not in menu", slug="quiet", show_in_nav=False)
    make_page(title="Extra page", slug="extra", nav_position=15)
    html = client.get("/").content.decode()
    start = html.index('aria-label="Main"')
    nav = html[start : html.index("</nav>", start)]
    assert nav.index(">Home<") < nav.index(">Extra page<") < nav.index(">Background<")
    assert "Hidden" not in nav and "Not in menu" not in nav
    assert 'href="/" aria-current="page"' in nav


@pytest.mark.django_db
def test_any_published_page_has_its_own_address(client, make_page):
    make_page(title="Methodology", slug="methodology", body="## How we work\n\nCarefully.")
    response = client.get("/methodology/")
    assert response.status_code == 200
    assert "<h2>How we work</h2>" in response.content.decode()


@pytest.mark.django_db
def test_unpublished_page_is_404_for_visitors_and_a_preview_for_staff(
    client, staff_client, make_page
):
    make_page(title="Draft", slug="draft", published=False)
    response = client.get("/draft/")
    assert response.status_code == 404
    assert len(tags(response.content, "h1")) == 1
    preview = staff_client.get("/draft/")
    assert preview.status_code == 200
    assert "Preview: not public yet. It is not published" in preview.content.decode()
    assert preview["Cache-Control"] == "private, no-cache"


@pytest.mark.django_db
def test_unpublished_home_page_is_404(client):
    Page.objects.filter(slug="home").update(published=False)
    assert client.get("/").status_code == 404


@pytest.mark.django_db
def test_home_slug_redirects_to_the_front_page(client):
    response = client.get("/home/")
    assert response.status_code == 301 and response["Location"] == "/"


@pytest.mark.django_db
def test_unknown_address_gets_the_friendly_404_page_without_a_query(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/really/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_needs_no_database(django_db_blocker):
    request = RequestFactory().get("/")
    with django_db_blocker.block():
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert len(tags(html, "h1")) == 1
    assert "research@iom.int" in html


@pytest.mark.django_db
def test_page_markdown_is_rendered_sanitised(client, make_page):
    make_page(slug="x", body="Hello <script>alert(1)</script> [link](javascript:alert(2))")
    html = client.get("/x/").content.decode()
    assert "<script>alert" not in html and "javascript:" not in html
