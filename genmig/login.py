"""Admin sign-in lockout that a stranger cannot turn against an administrator.

Failures are counted for one account at one address (AXES_FAILURE_LIMIT, say 5), and
separately for one address across every name it tries (LOGIN_ADDRESS_FAILURE_LIMIT, higher,
so that colleagues behind one office address do not lock each other out). Nobody can lock
an account for the people who sign in to it from elsewhere.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class LoginFailureHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each lockout parameter.

    AXES_LOCKOUT_PARAMETERS lists the account at an address first, then the address; axes
    compares the larger of their failure counts with one limit, AXES_FAILURE_LIMIT. The
    address's count is scaled so that it reaches that limit at LOGIN_ADDRESS_FAILURE_LIMIT.
    """

    def get_failures(self, request, credentials=None):
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) != 2:
            return max(counts, default=0)
        account_at_address, address = counts
        scaled = address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(account_at_address, scaled)
