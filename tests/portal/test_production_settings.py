"""The production-like settings carry the security headers the issue asks for."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_security_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "s" * 60,
        "NIK_ENCRYPTION_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=",
        "NIK_BLIND_INDEX_KEY": "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii",
        "DJANGO_ALLOWED_HOSTS": "portal.example.id",
    }
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)\n"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)\n"
        "print(s.SECURE_REFERRER_POLICY, s.LOG_FORMAT)\n"
        "print(' '.join(sorted(str(v) for vs in s.SECURE_CSP.values() for v in vs)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "True True True"
    assert lines[1] == "31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    assert lines[2] == "same-origin json"
    assert "unsafe-inline" not in lines[3]
    assert "unsafe-eval" not in lines[3]
