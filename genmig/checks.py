"""System checks for how the site is deployed (`manage.py check --deploy`)."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_proxy_settings(app_configs, **kwargs):
    """A proxy that says HTTPS also appends the client to X-Forwarded-For, and the other way.

    With the HTTPS header trusted but no proxy counted, every visitor has the proxy's
    address: the enquiry limit and the admin lockout then count the whole world as one.
    """
    header = getattr(settings, "PROXY_SSL_HEADER", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if header and not proxies:
        return [
            Warning(
                "DJANGO_PROXY_SSL_HEADER is set, so a proxy stands in front of the site, but "
                "TRUSTED_PROXY_COUNT is 0: every visitor is counted as the proxy's address.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front (usually 1).",
                id="genmig.W001",
            )
        ]
    if proxies and not header:
        return [
            Warning(
                f"TRUSTED_PROXY_COUNT is {proxies}, but DJANGO_PROXY_SSL_HEADER is empty: "
                "behind a TLS proxy the site cannot tell that visitors came over HTTPS.",
                hint="Set DJANGO_PROXY_SSL_HEADER=X-Forwarded-Proto, or TRUSTED_PROXY_COUNT=0 "
                "when nothing stands in front.",
                id="genmig.W002",
            )
        ]
    return []


@register(Tags.security)
def check_forwarded_allow_ips(app_configs, **kwargs):
    errors = []
    for address in settings.FORWARDED_ALLOW_IPS:
        if address == "*":
            continue
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"FORWARDED_ALLOW_IPS holds {address!r}, which is neither an address nor "
                    "a network.",
                    hint="List the proxies' addresses or networks, comma-separated.",
                    id="genmig.E001",
                )
            )
    return errors
