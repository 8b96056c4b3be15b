from django.urls import path
from django.views.generic import RedirectView

from . import views
from .models import Page

app_name = "pages"

urlpatterns = [
    path("", views.PageView.as_view(), {"slug": Page.HOME_SLUG}, name="home"),
    path(f"{Page.HOME_SLUG}/", RedirectView.as_view(pattern_name="pages:home", permanent=True)),
    path("<slug:slug>/", views.PageView.as_view(), name="page"),
]
