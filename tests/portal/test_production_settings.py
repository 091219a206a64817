"""The production-like settings carry the security headers the issue asks for."""

from tests.portal.settings_loader import load_settings, production_environment


def test_production_security_settings() -> None:
    s = load_settings(production_environment())
    assert (s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT) == (True, True, True)
    assert (s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER) == (
        31536000,
        ("HTTP_X_FORWARDED_PROTO", "https"),
    )
    assert (s.SECURE_REFERRER_POLICY, s.LOG_FORMAT) == ("same-origin", "json")
    sources = " ".join(sorted(str(v) for vs in s.SECURE_CSP.values() for v in vs))
    assert "unsafe-inline" not in sources
    assert "unsafe-eval" not in sources
