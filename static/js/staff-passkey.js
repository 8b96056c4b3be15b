// Once django-otp-webauthn's script has registered a passkey, go on to the recovery codes.
document.addEventListener("otp_webauthn.register_complete", () => {
  const target = document.getElementById("passkey-added-url");
  if (target) window.location.assign(target.getAttribute("href"));
});
