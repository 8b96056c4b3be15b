from django.views.generic import TemplateView

from pages.models import Page

from .models import Benefit, Partner, PartnerType


class PartnerDirectoryView(TemplateView):
    """The partners page: introduction, benefits, then the partners grouped by type.

    Four queries whatever the number of partners: the menu, the introduction, the
    benefits and one for all partners and supporters.
    """

    template_name = "partners/directory.html"
    INTRO_SLUG = "partners"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        everyone = list(Partner.objects.published())
        partners = [p for p in everyone if p.role == Partner.Role.PARTNER]
        selected = self.request.GET.get("type")
        if selected not in PartnerType.values:
            selected = None  # an unknown or missing type shows everyone
        present_types = {p.type for p in partners}
        groups = [
            (value, label, [p for p in partners if p.type == value])
            for value, label in PartnerType.choices
            if value in present_types and selected in (None, value)
        ]
        context.update(
            page=Page.objects.published().filter(slug=self.INTRO_SLUG).first(),
            benefits=list(Benefit.objects.published()),
            groups=groups,
            partner_count=len(partners),
            filters=[
                (value, label) for value, label in PartnerType.choices if value in present_types
            ],
            selected_type=selected,
            supporters=[p for p in everyone if p.role == Partner.Role.SUPPORTER],
        )
        return context
