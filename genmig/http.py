import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(allowed):
    """The networks of FORWARDED_ALLOW_IPS ("*": any address), as gunicorn reads it."""
    if "*" in allowed:
        return None
    return tuple(ipaddress.ip_network(address, strict=False) for address in allowed)


def from_trusted_proxy(address):
    """Whether a connection from `address` comes from one of the proxies in front."""
    networks = _networks(tuple(settings.FORWARDED_ALLOW_IPS))
    if networks is None:
        return True
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    if peer.version == 6 and peer.ipv4_mapped:
        peer = peer.ipv4_mapped
    return any(peer in network for network in networks)


def client_ip(request):
    """The visitor's address, as seen by the first proxy in front of the site.

    Behind TRUSTED_PROXY_COUNT proxies that each append the address they were reached from to
    X-Forwarded-For, the visitor is that many entries from the right; anything further left
    was written by the visitor and is not to be trusted. The header is read only when the
    connection comes from a proxy address (FORWARDED_ALLOW_IPS, the list gunicorn trusts):
    a client that reaches the site directly is its own REMOTE_ADDR, whatever it writes.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies and from_trusted_proxy(remote):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote
