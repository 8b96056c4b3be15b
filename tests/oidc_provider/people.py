import json
from pathlib import Path

from django.conf import settings


def people():
    """{username: {"oid", "email", "roles", "token": {claims to change}}}, as the test wrote."""
    return json.loads(Path(settings.PEOPLE_FILE).read_text())
