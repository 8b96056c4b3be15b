from django.views.generic import DetailView

from .models import Page


class PageView(DetailView):
    """A published page; staff may also preview unpublished ones."""

    context_object_name = "page"

    def get_queryset(self):
        if self.request.user.is_staff:
            return Page.objects.all()
        return Page.objects.published()

    def get_template_names(self):
        # A page may have a template of its own (pages/background.html adds the chart).
        return [f"pages/{self.object.slug}.html", "pages/page.html"]
