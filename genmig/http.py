from django.conf import settings


def client_ip(request):
    """The visitor's address, as seen by the first proxy in front of the site.

    Behind TRUSTED_PROXY_COUNT proxies that each append the address they were reached from to
    X-Forwarded-For, the visitor is that many entries from the right; anything further left
    was written by the visitor and is not to be trusted. With no proxy, REMOTE_ADDR.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
