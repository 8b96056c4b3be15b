"""Staff sign-in: the IOM account (OpenID Connect), second factors, sign-in records."""
