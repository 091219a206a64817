import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from participants.ledger.models import JhtBalance
from participants.ledger.services import ledger_reconcile
from participants.models import Contribution, Participant, User
from participants.nik import nik_matches_person

TABLES = [
    "participants_user",
    "participants_participant",
    "participants_contribution",
    "participants_ledgerentry",
    "participants_jhtbalance",
    "participants_importbatch",
    "participants_employment",
]


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            result[table] = cursor.fetchone()[0]
        return result


@pytest.mark.django_db
def test_seed_demo_creates_the_personas_and_is_idempotent(
    settings: object, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.DEBUG = True
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo")
        first = _counts()
        call_command("seed_demo")
    assert _counts() == first
    assert capsys.readouterr().out.splitlines()[-1] == "seed_demo: nothing to do"

    pekerja = Participant.objects.get(user__email="pekerja@demo.portal")
    months = set(Contribution.objects.filter(participant=pekerja).values_list("period", flat=True))
    assert len(months) == 144 - 2  # twelve years with a two-month gap
    assert dt.date(2025, 9, 1) not in months
    assert dt.date(2025, 8, 1) not in months
    assert JhtBalance.objects.get(account=pekerja).development_idr > 0

    resign = Participant.objects.get(user__email="resign@demo.portal")
    assert (resign.status, resign.status_reason) == ("nonaktif", "exit_reported")
    # Life events (docs/life-events.md#demo-personas): laid off three months ago, turning 59 in 8 months.
    phk = Participant.objects.get(user__email="phk@demo.portal")
    assert (phk.status, phk.employments.get().end_date, phk.employments.get().exit_reason) == (
        "nonaktif",
        dt.date(2026, 8, 22),
        "phk",
    )
    assert Contribution.objects.filter(participant=phk).count() == 48
    pensiun = Participant.objects.get(user__email="pensiun@demo.portal")
    assert (pensiun.birth_date, pensiun.status) == (dt.date(1968, 7, 22), "aktif")  # 59 on 22-07-2027
    mandiri = Participant.objects.get(user__email="mandiri@demo.portal")
    assert mandiri.protected_until == dt.date(2026, 12, 31)
    nunggak = Participant.objects.get(user__email="nunggak@demo.portal")
    assert (nunggak.status, nunggak.status_reason) == ("nonaktif", "unpaid_3_months")
    multi = Participant.objects.filter(nik_index=Participant.objects.get(kpj="23010000055").nik_index)
    assert sorted((p.kpj, p.user.email if p.user else None) for p in multi) == [
        ("23010000055", "multi@demo.portal"),
        ("23010000066", None),
    ]
    for p in Participant.objects.all():
        assert nik_matches_person(p.nik, birth_date=p.birth_date, sex=p.sex)
    for email in ("pekerja@demo.portal", "admin@demo.portal", "petugas.jkt@demo.portal"):
        assert User.objects.get(email=email).check_password("Demo-Portal-2026!")
    assert User.objects.get(email="petugas.bdg@demo.portal").branch.code == "BDG01"
    assert User.objects.get(email="admin@demo.portal").is_superuser
    # Staff have their role group and TOTP with the README's secrets (development data only).
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

    from participants.demo import STAFF_TOTP_SECRETS

    roles = {
        "petugas.jkt@demo.portal": "reviewer",
        "petugas.bdg@demo.portal": "reviewer",
        "supervisor.jkt@demo.portal": "supervisor",
        "auditor@demo.portal": "auditor",
        "admin@demo.portal": "administrator",
    }
    for email, role in roles.items():
        staff = User.objects.get(email=email)
        assert list(staff.groups.values_list("name", flat=True)) == [role]
        totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
        secret = STAFF_TOTP_SECRETS[email]
        code = format_hotp_value(hotp_value(secret, int(dt.datetime.now(tz=dt.UTC).timestamp()) // 30))
        assert TOTP(totp).validate_code(code)
    assert ledger_reconcile() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 12, 6, 3, tzinfo=dt.UTC),  # before the 10th: last month not paid yet by rule
        dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC),  # the 1st, after a short month
        dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC),  # 1 January in WIB, still 31 December in UTC
    ],
    ids=["6-dec", "1-mar", "1-jan-wib"],
)
def test_seed_demo_runs_on_any_day_and_dates_nothing_in_the_future(
    settings: object, now: dt.datetime
) -> None:
    # `make run` failed on 6 December: last month's contributions were dated the 10th of this month,
    # and the importer refuses a payment date in the future.
    settings.DEBUG = True
    with time_machine.travel(now, tick=False):
        call_command("seed_demo")
    pekerja = Participant.objects.get(user__email="pekerja@demo.portal")
    latest = Contribution.objects.filter(participant=pekerja).latest("period")
    this_month = timezone.localdate(now).replace(day=1)
    assert latest.period == (this_month - dt.timedelta(days=1)).replace(day=1)
    assert Contribution.objects.filter(paid_at__gt=now).count() == 0
    assert ledger_reconcile() == []


@pytest.mark.django_db
def test_seed_demo_gives_each_bpu_participant_a_declared_income_history(settings: object) -> None:
    from django.test import Client

    from contributions.models import BpuDeclaration, BpuProfile

    settings.DEBUG = True
    with time_machine.travel(dt.datetime(2026, 11, 22, 3, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo")
        # A database seeded before declarations existed gets them on the next run, once.
        BpuDeclaration.objects.all().delete()
        call_command("seed_demo")
        call_command("seed_demo")
        rows = sorted(
            BpuDeclaration.objects.values_list(
                "participant__kpj", "effective_from", "declared_income_idr", "with_jht", "source"
            )
        )
        assert rows == [
            ("23010000033", dt.date(2026, 1, 1), 3_500_000, True, "migration"),
            ("23010000044", dt.date(2025, 11, 1), 2_000_000, True, "migration"),
        ]
        profile = BpuProfile.objects.get(participant__kpj="23010000033")
        assert (profile.declared_income_idr, profile.with_jht, profile.effective_from) == (
            3_500_000,
            True,
            dt.date(2026, 1, 1),
        )
        mandiri = Participant.objects.get(kpj="23010000033")
        client = Client()
        client.force_login(mandiri.user)
        page = client.get(f"/payments/kpj/{mandiri.public_id}/penghasilan/").content.decode()
    assert "Riwayat penghasilan dan program" in page
    assert "Januari 2026" in page
    assert "Data awal" in page


@pytest.mark.django_db
def test_seed_demo_refuses_production(settings: object) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert User.objects.count() == 0
