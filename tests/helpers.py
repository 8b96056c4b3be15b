from html.parser import HTMLParser


class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html, name):
    """The attributes of every <name> element in the HTML, in order."""
    parser = _TagCollector()
    parser.feed(html if isinstance(html, str) else html.decode())
    return [attrs for tag, attrs in parser.tags if tag == name]


def learn_the_clock():
    """Find, as the first page stored in a cache generation does, when the clock next changes a
    page (scheduled items, event starts). That costs one query once per generation, not one
    per page (test_schedule.py counts it); query budgets measure a page's own queries."""
    import time

    from django.core.cache import cache

    from genmig.cache import CLOCK_KEY, GENERATION_KEY, _current_generation, clock_deadline

    found = cache.get_many([GENERATION_KEY, CLOCK_KEY])
    clock_deadline(found, _current_generation(found), time.time())


def sign_in_verified(client, user):
    """Sign the test client in as `user`, second factor given, as after a password sign-in
    and an authenticator app code (local accounts reach the admin only so)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="Authenticator app")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
