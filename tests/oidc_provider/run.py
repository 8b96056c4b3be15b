"""Start the test provider: `python -m tests.oidc_provider.run PORT CLIENT_ID SECRET REDIRECT`.

Migrates its own SQLite database, registers the site as a confidential client (RS256 ID
tokens, consent skipped), creates the people of PROVIDER_PEOPLE (password "provider-pw"),
then serves on 127.0.0.1:PORT, one thread per request.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write("provider: " + format % args + "\n")


def main(port, client_id, secret, redirect_uri):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    from tests.oidc_provider.people import people

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="GenMig website",
        client_id=client_id,
        client_secret=secret,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        post_logout_redirect_uris=redirect_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for username in people():
        User.objects.create_user(username, password="provider-pw")
    server = make_server(
        "127.0.0.1",
        int(port),
        get_wsgi_application(),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
