from django.urls import path

from . import views_factors, views_oidc

app_name = "staff"
urlpatterns = [
    path("oidc/sign-in/", views_oidc.SignInView.as_view(), name="oidc_sign_in"),
    path("second-factor/", views_factors.verify, name="verify"),
    path("second-factor/set-up/", views_factors.set_up, name="set_up"),
    path("second-factor/passkey-added/", views_factors.passkey_added, name="passkey_added"),
    path("second-factor/recovery-codes/", views_factors.recovery_codes, name="recovery_codes"),
]
