"""`.env.example` documents every variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["portal/settings.py", "gunicorn.conf.py"]


def _variables_read_by_code() -> set[str]:
    names: set[str] = set()
    for source in SOURCES:
        text = (ROOT / source).read_text()
        names |= set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'_int\("([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'os\.environ\.get\("([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'require\(env, "([A-Z][A-Z0-9_]+)"', text))
    return names


def test_env_example_documents_every_variable() -> None:
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    read = _variables_read_by_code()
    assert len(read) > 20
    assert sorted(read - documented) == []
