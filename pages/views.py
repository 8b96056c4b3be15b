from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView

from drafts.preview import PARAMETER as DRAFT_PREVIEW
from drafts.preview import ROBOTS, PreviewRefused, previewed, screen
from genmig.cache import PRIVATE_CACHE_CONTROL
from genmig.personal_data import retention_table
from genmig.query import as_given, one_of, page_number, reads_query
from genmig.staff.middleware import is_signed_in_staff
from partners.models import Partner

from . import search
from .calendar import calendar_for, calendar_name, calendar_window
from .models import Page, Resource, Scheduled, SiteSettings, Update
from .video import EMBED_ORIGIN, embed_url

HOME_LATEST = 3
HOME_LOGOS = 12
# The privacy notice: its text is edited like any page's; the retention periods come from the
# settings the daily purge reads.
PRIVACY_SLUG = "privacy"


def site_pages(request):
    """Every published page, loaded once a request: the menu and the page shown share it."""
    if not hasattr(request, "_site_pages"):
        request._site_pages = list(Page.objects.published())
    return request._site_pages


def published_page(request, slug):
    """The published page at this address, or None, without a query of its own."""
    return next((page for page in site_pages(request) if page.slug == slug), None)


class PreviewMixin:
    """Staff may open an item visitors cannot see (a draft, scheduled or expired): the page
    says so, and it is sent private, so that neither the page cache nor a proxy keeps it.
    `?preview=` shows the item's draft changes instead (drafts/preview.py)."""

    query_parameters = {DRAFT_PREVIEW: as_given}

    def get(self, request, *args, **kwargs):
        if request.GET.get(DRAFT_PREVIEW):
            try:
                screen(request)
            except PreviewRefused as refusal:
                return refusal.response(request)
        self.object = self.get_object()
        extra = {}
        if request.GET.get(DRAFT_PREVIEW):
            try:
                self.object, extra["draft_preview"] = previewed(request, self.object)
            except PreviewRefused as refusal:
                return refusal.response(request)
        return self.render_to_response(self.get_context_data(object=self.object, **extra))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.object.schedule_state()
        if state != Scheduled.State.PUBLIC:
            context.update(preview=state, preview_zone=settings.ADMIN_TIME_ZONE)
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if "preview" in context or "draft_preview" in context:
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        if "draft_preview" in context:
            response["X-Robots-Tag"] = ROBOTS
        if context.get("video_embed_url"):
            # The one page that may show another site's frame, and only when editors chose it.
            response._csp_update = {"frame-src": [EMBED_ORIGIN]}
        return response


class PageView(PreviewMixin, DetailView):
    """A published page; staff may also preview unpublished ones."""

    context_object_name = "page"

    def get_object(self, queryset=None):
        page = published_page(self.request, self.kwargs["slug"])
        if page is None and is_signed_in_staff(self.request):
            page = Page.objects.filter(slug=self.kwargs["slug"]).first()
        if page is None:
            raise Http404("No published page at this address.")
        return page

    def get_template_names(self):
        # A page may have a template of its own (pages/background.html adds the chart).
        return [f"pages/{self.object.slug}.html", "pages/page.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.slug == Page.HOME_SLUG:
            context.update(home_sections())
        elif self.object.slug == "background":
            context["latest_resources"] = list(Resource.objects.published()[:3])
            context["video_embed_url"] = embed_url(SiteSettings.for_request(self.request))
        elif self.object.slug == PRIVACY_SLUG:
            context["retention"] = retention_table()
        return context


class TypeFilterMixin:
    """A filter by type given as ?type=...; an unknown type shows everything."""

    type_choices = ()

    def selected_type(self):
        value = self.request.GET.get("type")
        return value if value in dict(self.type_choices) else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            type_choices=self.type_choices, selected_type=self.selected_type(), **kwargs
        )


class ResourceListView(TypeFilterMixin, ListView):
    template_name = "pages/resources.html"
    context_object_name = "resources"
    type_choices = Resource.Type.choices
    query_parameters = {"type": one_of(Resource.Type.values)}

    def get_queryset(self):
        resources = Resource.objects.published()
        if selected := self.selected_type():
            resources = resources.filter(type=selected)
        return resources

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Filters only for the types there are, and only when there is a choice to make.
        present = set(
            Resource.objects.published().order_by().values_list("type", flat=True).distinct()
        )
        choices = [(value, name) for value, name in self.type_choices if value in present]
        context["type_choices"] = choices if len(choices) > 1 else ()
        return context


class UpdateListView(ListView):
    template_name = "pages/updates.html"
    context_object_name = "updates"
    paginate_by = 10
    query_parameters = {"page": page_number}

    def get_queryset(self):
        return Update.objects.published().upcoming_first()


class UpdateView(PreviewMixin, DetailView):
    template_name = "pages/update.html"
    context_object_name = "update"

    def get_queryset(self):
        if is_signed_in_staff(self.request):
            return Update.objects.all()
        return Update.objects.published()


def home_sections(now=None):
    """The next event, the latest updates and the partners' logos: two queries in all."""
    now = now or timezone.now()
    updates = Update.objects.published()
    upcoming = updates.filter(starts_at__gte=now).order_by("starts_at", "pk")
    # News and past events: an event still to come is announced by the section above.
    latest = updates.exclude(starts_at__gte=now).order_by("-date", "-pk")
    rows = list(
        updates.filter(
            Q(pk__in=upcoming.values("pk")[:1]) | Q(pk__in=latest.values("pk")[:HOME_LATEST])
        )
    )
    next_event = next((u for u in rows if u.starts_at and u.starts_at >= now), None)
    latest_rows = sorted(
        (u for u in rows if u is not next_event), key=lambda u: (u.date, u.pk), reverse=True
    )
    logos = list(
        Partner.objects.published()
        .exclude(logo="")
        .order_by("role", "position", "name")[:HOME_LOGOS]
    )
    return {"next_event": next_event, "latest_updates": latest_rows, "partner_logos": logos}


@reads_query()
def update_calendar(request, slug):
    """One event or webinar as an .ics file, for “Add to calendar”."""
    updates = Update.objects.all() if is_signed_in_staff(request) else Update.objects.published()
    update = get_object_or_404(updates.filter(starts_at__isnull=False), slug=slug)
    response = HttpResponse(
        calendar_for([update], request, calendar_name()),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{update.slug}.ics"'
    return response


@reads_query()
def updates_calendar(request):
    """Every upcoming event and webinar and those of the last 90 days, to subscribe to."""
    events = (
        Update.objects.published()
        .filter(starts_at__gte=calendar_window())
        .order_by("starts_at", "pk")
    )
    return HttpResponse(
        calendar_for(events, request, calendar_name()),
        content_type="text/calendar; charset=utf-8",
    )


@reads_query()
def robots_txt(request):
    # The admin answers under every language's prefix (/admin/, /fr/admin/, /es/admin/).
    admin_paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            admin_paths.append(reverse("admin:index"))
    lines = [
        "User-agent: *",
        *(f"Disallow: {path}" for path in admin_paths),
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@reads_query(q=as_given, page=page_number)
def search_view(request):
    """Site search in the page's language: /search/?q=words&page=2."""
    language = get_language()
    text = request.GET.get("q", "")
    context = {"query": text, "searched": "q" in request.GET}
    if context["searched"]:
        try:
            cleaned, parsed = search.validate_query(text)
        except search.SearchError as error:
            context["error"] = str(error)
        else:
            results = search.search(cleaned, parsed, language)
            paginator = Paginator(results, search.RESULTS_PER_PAGE)
            page_asked = request.GET.get("page", "")
            number = int(page_asked) if page_asked.isascii() and page_asked.isdigit() else 1
            number = min(max(number, 1), 10**6)
            results.fetch_page(number, search.RESULTS_PER_PAGE)
            page = paginator.get_page(number)
            context.update(paginator=paginator, page_obj=page, results=list(page))
            # Past the most a search ranks, the count says "more than" that many.
            context["results_more"] = results.more
            if paginator.count == 0:
                context["suggestion"] = search.suggestion(parsed, language)
    response = render(request, "pages/search.html", context)
    if "paginator" in context:
        # For the front's access log (manage.py import_audience): searches that find nothing.
        response["X-Search-Results"] = str(context["paginator"].count)
    # Results pages are for people: search engines are asked not to index them.
    response["X-Robots-Tag"] = "noindex"
    return response


@reads_query()
def opensearch(request):
    """The OpenSearch description browsers read to search the site from the address bar."""
    return render(
        request,
        "pages/opensearch.xml",
        {"search_url": request.build_absolute_uri(reverse("pages:search"))},
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
