import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from genmig.http import client_ip
from genmig.personal_data import period_in_words
from genmig.query import one_of
from pages.views import published_page

from . import notifications
from .forms import EnquiryForm
from .models import Benefit, Enquiry, Partner, PartnerType
from .ratelimit import WINDOW_SECONDS, client_key, over_limit


class PartnerDirectoryView(TemplateView):
    """The partners page: introduction, benefits, then the partners grouped by type.

    Four queries whatever the number of partners: the published pages (the menu and the
    introduction), the site settings, the benefits, and all partners and supporters.
    """

    template_name = "partners/directory.html"
    INTRO_SLUG = "partners"
    query_parameters = {"type": one_of(PartnerType.values)}

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
            page=published_page(self.request, self.INTRO_SLUG),
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


def logged_client(address):
    """How the log names a client: the start of the keyed hash the enquiry limit counts by,
    enough to tell one client's lines from another's, without the address itself."""
    return client_key(address)[:12]


logger = logging.getLogger("genmig.enquiries")


def retention_period():
    """The retention period, in the words of the privacy notice."""
    return period_in_words(settings.ENQUIRY_RETENTION_DAYS)


@method_decorator(never_cache, name="dispatch")  # the form carries the visitor's CSRF token
class ContactView(FormView):
    """The enquiry form. A valid enquiry is stored first; the email to staff comes after."""

    template_name = "partners/contact.html"
    limited_template_name = "partners/contact_limited.html"
    form_class = EnquiryForm
    success_url = reverse_lazy("partners:contact_thanks")
    query_parameters = {"topic": one_of(Enquiry.Topic.values)}

    def get_initial(self):
        initial = super().get_initial()
        topic = self.request.GET.get("topic")
        if topic in Enquiry.Topic.values:
            initial["topic"] = topic
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["retention_period"] = retention_period()
        return context

    def form_invalid(self, form):
        # Which fields, never what was typed: the log is no place for personal data.
        logger.info(
            "Enquiry form returned for correction (%s) from client %s",
            ", ".join(
                f"{field}:{error.code}"
                for field, errors in form.errors.as_data().items()
                for error in errors
            ),
            logged_client(client_ip(self.request)),
        )
        return super().form_invalid(form)

    def form_valid(self, form):
        address = client_ip(self.request)
        if over_limit(address):
            logger.warning(
                "Enquiry refused: more than %s enquiries this hour from client %s",
                settings.ENQUIRY_RATE_LIMIT,
                logged_client(address),
            )
            response = render(
                self.request,
                self.limited_template_name,
                {"form": form, "limit": settings.ENQUIRY_RATE_LIMIT},
                status=429,
            )
            response["Retry-After"] = str(WINDOW_SECONDS)
            return response
        enquiry = form.save(commit=False)
        enquiry.language = translation.get_language()
        if form.caught_by_honeypot:
            # Most likely a robot, but nothing is lost should it be a person: the enquiry is
            # kept, marked spam, for staff to look at; no email goes out for it.
            enquiry.status = Enquiry.Status.SPAM
            enquiry.delivery_status = Enquiry.Delivery.WITHHELD
            enquiry.next_delivery_at = None
            enquiry.save()
            logger.warning(
                "Enquiry %s stored as spam: the hidden field was filled in, from client %s",
                enquiry.pk,
                logged_client(address),
            )
            return redirect(self.get_success_url())
        notifications.start_delivery(enquiry)
        enquiry.save()
        logger.info("Enquiry %s stored (%s)", enquiry.pk, enquiry.topic)
        # Only once the enquiry is committed is its email attempted.
        transaction.on_commit(partial(notifications.send_new, enquiry.pk), robust=True)
        return redirect(self.get_success_url())


class ContactThanksView(TemplateView):
    template_name = "partners/contact_thanks.html"
    query_parameters = {}
