"""Sign-in with the IOM account: OpenID Connect's authorization code flow with PKCE (S256).

mozilla-django-oidc runs the flow: `state`, `nonce` and the PKCE verifier kept in the
session, each used once. What is added here: the provider's endpoints read from its
discovery document, the ID token's signature, issuer, audience and expiry checked, people
matched on `oid` (else `sub`), and groups set from the token's `roles` at every sign-in.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .caching import cached
from .models import Identity

logger = logging.getLogger(__name__)

SUPERUSER = "superuser"
DISCOVERY_CACHE_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider did not answer, or not as OpenID Connect says."""


def discovery():
    """The provider's /.well-known/openid-configuration, kept in the cache for an hour."""
    key = f"staff-oidc-discovery:{settings.STAFF_OIDC_ISSUER}"
    document = cached("get", key)
    if document:
        return document
    url = settings.STAFF_OIDC_ISSUER + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.STAFF_OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"discovery at {url}: {error}") from error
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(document, dict) or not all(document.get(name) for name in needed):
        raise ProviderUnavailable(f"discovery at {url}: not an OpenID configuration")
    if document["issuer"].rstrip("/") != settings.STAFF_OIDC_ISSUER:
        raise ProviderUnavailable(
            f"discovery at {url} names the issuer {document['issuer']!r}, "
            f"not STAFF_OIDC_ISSUER {settings.STAFF_OIDC_ISSUER!r}"
        )
    cached("set", key, document, DISCOVERY_CACHE_SECONDS)
    return document


def subject_of(claims):
    """The stable claim a person is known by: Entra's `oid`, else `sub`."""
    return str(claims.get("oid") or claims.get("sub") or "")


def access_from_roles(roles):
    """(group names, superuser?) that the app roles give, by STAFF_OIDC_ROLE_GROUPS."""
    mapping = settings.STAFF_OIDC_ROLE_GROUPS
    targets = {mapping[role] for role in roles if isinstance(role, str) and role in mapping}
    return sorted(targets - {SUPERUSER}), SUPERUSER in targets


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the IOM account; only the callback view calls it (with a code)."""

    def __init__(self, *args, **kwargs):
        # The endpoints are read from discovery when a sign-in needs them, so that a
        # provider that is down never stops the site from starting.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, **kwargs):
        # Only the callback view, which has checked `state` and passes the nonce and PKCE
        # verifier kept with it; never a password form with a code in its address.
        if not kwargs.get("nonce") or not kwargs.get("code_verifier"):
            return None
        return super().authenticate(request, **kwargs)

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self):  # noqa: N802 (the library's name)
        return discovery()["token_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self):  # noqa: N802
        return discovery()["jwks_uri"]

    def _verify_jws(self, payload, key):
        """Signature (RS256 only), issuer, audience and expiry, all required."""
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery()["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                # Clocks of the provider and this server may differ by a little.
                leeway=60,
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except (jwt.PyJWTError, KeyError, ValueError) as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        # Entra ID sends the app roles in the ID token, whose signature was just checked.
        return payload

    def verify_claims(self, claims):
        return bool(subject_of(claims))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(
            staff_identity__issuer=settings.STAFF_OIDC_ISSUER,
            staff_identity__subject=subject_of(claims),
        )

    def get_username(self, claims):
        base = (claims.get("preferred_username") or claims.get("email") or subject_of(claims))[:140]
        username, number = base, 1
        while self.UserModel.objects.filter(username=username).exists():
            number += 1
            username = f"{base}-{number}"
        return username

    @transaction.atomic
    def create_user(self, claims):
        user = self.UserModel(username=self.get_username(claims))
        user.set_unusable_password()
        user.save()
        Identity.objects.create(
            user=user, issuer=settings.STAFF_OIDC_ISSUER, subject=subject_of(claims)
        )
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        """Names, email, staff status and groups from this sign-in's claims; an account made
        inactive here (by an administrator, or by an erasure) stays out."""
        if not user.is_active:
            return None
        roles = claims.get("roles") or []
        if not isinstance(roles, list):
            roles = []
        groups, superuser = access_from_roles(roles)
        user.email = str(claims.get("email") or user.email)[:254]
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.is_superuser = superuser
        user.is_staff = superuser or bool(groups)
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
        return user
