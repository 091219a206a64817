import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from participants.ledger.development import development_credit_year
from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from participants.ledger.services import ledger_post, ledger_reconcile
from participants.models import DevelopmentRate
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def _post(account_id: int, amount: int, on: dt.date, key: str) -> None:
    ledger_post(
        account_id=account_id,
        kind=EntryKind.CORRECTION,
        amount_idr=amount,
        value_date=on,
        idempotency_key=key,
        reason="saldo awal uji",
    )


def test_time_weighted_development_is_credited_once() -> None:
    p = ParticipantFactory()
    other = ParticipantFactory()
    _post(p.pk, 1_000_000, dt.date(2019, 6, 1), "a")  # held all of 2020: 56.300
    _post(p.pk, 366_000, dt.date(2020, 12, 31), "b")  # held 1 of 366 days: 56,3 → 56
    _post(p.pk, 5_000_000, dt.date(2021, 1, 1), "c")  # after the year: ignored
    _post(other.pk, 732_000, dt.date(2020, 7, 2), "d")  # 183 of 366 days: 20.605,8 → 20.606
    result = development_credit_year(year=2020)  # 5.63 % (migration data)
    assert (result.accounts_credited, result.total_idr) == (2, 56_356 + 20_606)
    entry = LedgerEntry.objects.get(account=p, kind=EntryKind.DEVELOPMENT)
    assert (entry.amount_idr, entry.year, entry.value_date) == (56_356, 2020, dt.date(2020, 12, 31))
    assert JhtBalance.objects.get(account=p).development_idr == 56_356
    again = development_credit_year(year=2020)
    assert (again.accounts_credited, again.total_idr) == (0, 0)
    assert LedgerEntry.objects.filter(kind=EntryKind.DEVELOPMENT).count() == 2
    assert ledger_reconcile() == []


def test_development_compounds_over_years() -> None:
    DevelopmentRate.objects.create(year=2021, rate_percent=Decimal("10"), source="uji", assumed=True)
    DevelopmentRate.objects.create(year=2022, rate_percent=Decimal("10"), source="uji", assumed=True)
    p = ParticipantFactory()
    _post(p.pk, 1_000_000, dt.date(2020, 1, 1), "a")
    development_credit_year(year=2021)
    development_credit_year(year=2022)
    amounts = list(
        LedgerEntry.objects.filter(kind=EntryKind.DEVELOPMENT)
        .order_by("year")
        .values_list("amount_idr", flat=True)
    )
    # 2022's return counts 2021's return, credited on 31 December 2021, for the whole of 2022.
    assert amounts == [100_000, 110_000]


def test_year_without_rate_credits_nothing_and_the_command_says_so() -> None:
    p = ParticipantFactory()
    _post(p.pk, 1_000_000, dt.date(2018, 1, 1), "a")
    with pytest.raises(CommandError, match="no development rate for 2019"):
        call_command("credit_development", "--year", "2019")
    assert not LedgerEntry.objects.filter(kind=EntryKind.DEVELOPMENT).exists()


def test_year_not_ended_is_refused() -> None:
    DevelopmentRate.objects.create(year=2026, rate_percent=Decimal("5"), source="uji", assumed=True)
    with pytest.raises(CommandError, match="year 2026 has not ended yet"):
        call_command("credit_development", "--year", "2026")


def test_reconcile_command(capsys: pytest.CaptureFixture[str]) -> None:
    p = ParticipantFactory()
    _post(p.pk, 1_000, dt.date(2020, 1, 1), "a")
    call_command("reconcile_ledger")
    assert capsys.readouterr().out.strip() == "ledger reconciled: every balance equals the sum of its entries"
    JhtBalance.objects.filter(account=p).update(balance_idr=2_000, other_idr=2_000)
    with pytest.raises(CommandError, match="1 KPJ do not reconcile"):
        call_command("reconcile_ledger")
    assert capsys.readouterr().err.strip() == f"KPJ {p.kpj}: balance 2000 != ledger 1000"
