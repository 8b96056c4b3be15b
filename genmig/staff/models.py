from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Identity(models.Model):
    """An account at the OpenID provider, tied to a user of this site by its stable claim.

    The claim is Entra ID's `oid` (the same in every application of the tenant), else `sub`;
    never the email address, which can be reassigned.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_identity"
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created = models.DateTimeField(_("first sign-in"), auto_now_add=True)

    class Meta:
        ordering = ["issuer", "subject"]
        verbose_name = _("IOM account")
        verbose_name_plural = _("IOM accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="staff_identity_unique")
        ]

    def __str__(self):
        return f"{self.subject} ({self.issuer})"


class SignInRecord(models.Model):
    """One sign-in, failed sign-in, or second factor set up or removed."""

    class Event(models.TextChoices):
        SIGNED_IN = "signed-in", _("signed in")
        FAILED = "failed", _("sign-in failed")
        FACTOR_ADDED = "factor-added", _("second factor set up")
        FACTOR_REMOVED = "factor-removed", _("second factor removed")

    class Method(models.TextChoices):
        PASSWORD = "password", _("password")
        OIDC = "oidc", _("IOM account")
        TOTP = "totp", _("authenticator app code")
        PASSKEY = "passkey", _("passkey")
        RECOVERY = "recovery", _("recovery code")

    when = models.DateTimeField(_("when"), db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_in_records",
    )
    username = models.CharField(
        _("name given"), max_length=150, blank=True, help_text=_("As typed or sent.")
    )
    address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        ordering = ["-when", "-pk"]
        verbose_name = _("sign-in record")
        verbose_name_plural = _("sign-in records")

    def __str__(self):
        return (
            f"{self.when:%Y-%m-%d %H:%M} {self.get_event_display()} ({self.get_method_display()})"
        )
