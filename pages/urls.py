from django.urls import path
from django.views.generic import RedirectView

from . import views
from .feeds import UpdatesFeed
from .models import Page

app_name = "pages"

urlpatterns = [
    path("", views.PageView.as_view(), {"slug": Page.HOME_SLUG}, name="home"),
    path(f"{Page.HOME_SLUG}/", RedirectView.as_view(pattern_name="pages:home", permanent=True)),
    path("resources/", views.ResourceListView.as_view(), name="resources"),
    path("updates/", views.UpdateListView.as_view(), name="updates"),
    path("updates/feed/", UpdatesFeed(), name="updates_feed"),
    path("updates/calendar.ics", views.updates_calendar, name="updates_calendar"),
    path("updates/<slug:slug>.ics", views.update_calendar, name="update_calendar"),
    path("updates/<slug:slug>/", views.UpdateView.as_view(), name="update"),
    path("search/", views.search_view, name="search"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]
