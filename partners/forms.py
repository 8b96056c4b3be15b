import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.utils.translation import gettext_lazy as _

from .models import Enquiry

# A form kept open longer than this is sent back with a request to send it again.
FORM_MAX_AGE = 2 * 24 * 60 * 60
# Whatever ENQUIRY_MIN_SECONDS says, a quick person never has to wait longer than this.
LONGEST_MIN_SECONDS = 2
_SIGNER_SALT = "partners.enquiry-form.started"


def sign_start(when=None):
    """A tamper-proof note of when the form was shown."""
    moment = time.time() if when is None else when
    return signing.Signer(salt=_SIGNER_SALT).sign(f"{moment:.3f}")


def seconds_since_start(token):
    """Seconds since the form was shown, or None if the note is missing or forged."""
    try:
        return time.time() - float(signing.Signer(salt=_SIGNER_SALT).unsign(token or ""))
    except (signing.BadSignature, ValueError):
        return None


def one_line_only(value):
    """Names and the like come from one-line inputs: a line break there was not typed."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError(
            _("Remove the line breaks and other control characters."), code="control"
        )


def repliable_address(value):
    one_line_only(value)
    try:
        sanitize_address(value, "utf-8")
    except (ValueError, IndexError):  # the standard library's parser trips on some input
        raise ValidationError(
            _("Enter an email address we can reply to, like name@example.org."), code="invalid"
        ) from None


class MessageField(forms.CharField):
    """Browsers send line breaks as CR LF but count them as one character: so do we."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class EnquiryForm(forms.ModelForm):
    topic = forms.ChoiceField(
        label=_("What is your enquiry about?"),
        choices=Enquiry.Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your enquiry is about.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        validators=[one_line_only],
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Shorten your name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        validators=[repliable_address],
        help_text=_("We will reply to this address."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organization"),
        choices=[("", _("Choose one")), *Enquiry.ORGANISATION_TYPES],
        error_messages={"required": _("Choose the type of your organization, or “Individual”.")},
    )
    organisation = forms.CharField(
        label=_("Name of your organization"),
        max_length=200,
        required=False,
        validators=[one_line_only],
        help_text=_("Needed unless you are writing as an individual."),
        error_messages={
            "max_length": _("Shorten the name to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=100,
        required=False,
        validators=[one_line_only],
        help_text=_("Optional. Where you or your organization are based."),
        error_messages={
            "max_length": _("Shorten the country to %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    message = MessageField(
        label=_("Your message"),
        max_length=5000,
        help_text=_("At most 5,000 characters."),
        error_messages={
            "required": _("Enter your message."),
            "max_length": _(
                "Shorten your message to 5,000 characters or fewer: it has %(show_value)d."
            ),
        },
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                # For the character counter of static/js/enquiry.js.
                "data-counter-one": _("1 character left"),
                "data-counter-other": _("{count} characters left"),
            }
        ),
    )
    privacy = forms.BooleanField(
        label=_("I agree that IOM keeps my enquiry as the privacy notice above says."),
        error_messages={"required": _("Tick the box to agree to the privacy notice.")},
    )
    # The trap for robots, which fill in every field: hidden from people, on screen and in
    # screen readers, out of the tab order. Its name and label resemble nothing a browser or
    # password manager fills in (not a website, address, email or name), and it asks them
    # to leave it alone, so that no person's enquiry is taken for a robot's.
    extra_info = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "tabindex": "-1",
                "data-1p-ignore": "",
                "data-lpignore": "true",
                "data-form-type": "other",
            }
        ),
    )
    started = forms.CharField(required=False, initial=sign_start, widget=forms.HiddenInput)

    class Meta:
        model = Enquiry
        fields = [
            "topic",
            "name",
            "email",
            "organisation_type",
            "organisation",
            "country",
            "message",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.caught_by_honeypot = False
        self.fields["privacy"].widget.attrs["aria-describedby"] = "privacy-notice"
        if self.is_bound:
            self.data = self.data.copy()  # a fresh timing note may be put in below

    def clean(self):
        cleaned = super().clean()
        organisation_type = cleaned.get("organisation_type")
        if (
            organisation_type
            and organisation_type != Enquiry.INDIVIDUAL
            and not cleaned.get("organisation")
            and "organisation" not in self.errors
        ):
            self.add_error(
                "organisation",
                ValidationError(
                    _("Enter the name of your organization, or choose “Individual” as its type."),
                    code="required",
                ),
            )
        self._check_timing()
        self.caught_by_honeypot = bool(cleaned.get("extra_info"))
        return cleaned

    def _check_timing(self):
        age = seconds_since_start(self.data.get(self.add_prefix("started")))
        if age is None or age > FORM_MAX_AGE:
            # Shown so long ago (or the note is forged): a new note starts the clock again.
            self.data[self.add_prefix("started")] = sign_start()
            self.add_error(
                None,
                ValidationError(
                    _(
                        "This form was opened too long ago to be accepted. Please check your "
                        "details and send it again: what you typed is still here."
                    ),
                    code="expired",
                ),
            )
        elif age < min(settings.ENQUIRY_MIN_SECONDS, LONGEST_MIN_SECONDS):
            self.add_error(
                None,
                ValidationError(
                    _(
                        "This form was sent back faster than a person can fill it in. If you "
                        "are a person, please check your details and send it again: what "
                        "you typed is still here."
                    ),
                    code="too_fast",
                ),
            )

    def full_clean(self):
        super().full_clean()
        # The notice sits before the box; the box points to it, and to its error if any.
        privacy = self["privacy"]
        described_by = ["privacy-notice"]
        if privacy.errors:
            described_by.insert(0, f"{privacy.auto_id}_error")
        self.fields["privacy"].widget.attrs["aria-describedby"] = " ".join(described_by)

    def error_summary(self):
        """(link target, message) for every error, in the order of the form."""
        entries = [(None, message) for message in self.non_field_errors()]
        for field in self.visible_fields():
            target = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                target = f"{target}_0"  # the first choice; the group has no id of its own
            entries.extend((target, message) for message in field.errors)
        return entries
