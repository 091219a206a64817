import pytest
from django.core.management import CommandError, call_command

from participants.models import User


@pytest.mark.django_db
def test_seed_demo_is_idempotent(settings: object, capsys: pytest.CaptureFixture[str]) -> None:
    settings.DEBUG = True
    call_command("seed_demo")
    admin = User.objects.get(email="admin@demo.portalpeserta.id")
    first = (admin.password, admin.is_superuser, User.objects.count())
    call_command("seed_demo")
    admin.refresh_from_db()
    assert (admin.password, admin.is_superuser, User.objects.count()) == first
    assert admin.check_password("demo-portal-2026")
    assert capsys.readouterr().out.splitlines()[-1] == "seed_demo: 0 created, 1 unchanged"


@pytest.mark.django_db
def test_seed_demo_refuses_production(settings: object) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert User.objects.count() == 0
