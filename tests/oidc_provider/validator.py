import time

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.people import people


class Validator(OAuth2Validator):
    """Entra ID's claims: `oid`, `roles`, `preferred_username`; the test may change any
    claim of a person's ID token (`token`), `exp_in` seconds from now included."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        person = people().get(request.user.username, {})
        return {
            "oid": person.get("oid", ""),
            "roles": person.get("roles", []),
            "email": person.get("email", ""),
            "preferred_username": person.get("email", ""),
            "given_name": person.get("given_name", ""),
            "family_name": person.get("family_name", ""),
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        changes = dict(people().get(request.user.username, {}).get("token", {}))
        if "exp_in" in changes:
            claims["exp"] = int(time.time()) + changes.pop("exp_in")
            claims["iat"] = claims["exp"] - 60
        claims.update(changes)
        return claims, expiration_time
