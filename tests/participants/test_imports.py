import datetime as dt
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from participants.imports.contributions import import_contributions
from participants.imports.employers import import_employers
from participants.imports.participants import import_participants
from participants.ledger.models import JhtBalance, LedgerEntry
from participants.ledger.services import ledger_reconcile
from participants.models import Contribution, Employer, Employment, ImportBatch, Participant
from participants.nik import nik_index
from participants.rates.calc import pu_shares
from participants.rates.selectors import rate_table_on
from tests.concurrency import race
from tests.factories import BranchFactory, EmployerFactory, ParticipantFactory, make_nik

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> object:
    with time_machine.travel(dt.datetime(2026, 11, 22, 10, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


# --- employers -------------------------------------------------------------------------------------


def test_import_employers_posts_valid_rows_and_reports_bad_ones(tmp_path: Path) -> None:
    BranchFactory(code="JKT01")
    path = write(
        tmp_path,
        "emp.csv",
        """
npp,name,risk_class,branch_code
12345678,PT Maju Jaya,2,JKT01
12345679,CV Sentosa,6,JKT01
1234,PT Pendek,1,JKT01
12345680,PT Tanpa Cabang,1,XXX99
12345678,PT Ganda,1,JKT01
12345681,,1,JKT01
""",
    )
    report = import_employers(path)
    assert (report.read, report.posted, report.duplicate) == (6, 1, 0)
    assert report.rejected == [
        (3, "kelas risiko harus 1-5"),
        (4, "NPP harus 8-20 digit angka"),
        (5, "kode kantor cabang tidak dikenal"),
        (6, "NPP ganda di berkas ini"),
        (7, "nama pemberi kerja kosong"),
    ]
    assert list(Employer.objects.values_list("npp", "name", "risk_class")) == [
        ("12345678", "PT Maju Jaya", 2)
    ]
    again = import_employers(path)
    assert (again.posted, again.duplicate, len(again.rejected)) == (0, 1, 5)
    assert Employer.objects.count() == 1


def test_wrong_header_is_refused_and_nothing_is_posted(tmp_path: Path) -> None:
    path = write(tmp_path, "emp.csv", "npp,nama,risk_class,branch_code\n12345678,PT A,1,JKT01\n")
    with pytest.raises(CommandError, match="header must be exactly: npp,name,risk_class,branch_code"):
        call_command("import_employers", str(path))
    assert Employer.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot open"):
        call_command("import_employers", str(tmp_path / "tidak-ada.csv"))


# --- participants ----------------------------------------------------------------------------------

HEADER = (
    "kpj,nik,full_name,birth_date,sex,category,email,phone,branch_code,employer_npp,"
    "employment_start,employment_end\n"
)


def test_import_participants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    BranchFactory(code="JKT01")
    EmployerFactory(npp="12345678")
    good_m = make_nik(birth_date=dt.date(1990, 5, 17), sex="L", serial=1)
    good_f = make_nik(birth_date=dt.date(1992, 8, 3), sex="P", serial=2)
    wrong_sex = make_nik(birth_date=dt.date(1992, 8, 3), sex="L", serial=3)
    path = write(
        tmp_path,
        "p.csv",
        HEADER
        + f"11111111111,{good_m},Budi  Santoso,1990-05-17,L,PU,budi@contoh.id,081234567890,JKT01,"
        + "12345678,2015-01-01,\n"
        + f"11111111112,{good_f},Siti Aminah,1992-08-03,P,PU,,,JKT01,12345678,2016-02-01,2026-09-30\n"
        + f"11111111113,{wrong_sex},Dewi,1992-08-03,P,PU,,,JKT01,12345678,2016-02-01,\n"
        + f"1111111111,{good_m},Pendek,1990-05-17,L,PU,,,JKT01,12345678,2015-01-01,\n"
        + f"11111111114,{good_m},Tanggal Salah,17-05-1990,L,PU,,,JKT01,12345678,2015-01-01,\n"
        + f"11111111115,{good_m},Email Salah,1990-05-17,L,PU,bukan-email,,JKT01,12345678,2015-01-01,\n"
        + f"11111111116,{good_m},Tanpa NPP,1990-05-17,L,PU,,,JKT01,99999999,2015-01-01,\n"
        + f"11111111111,{good_m},Ganda,1990-05-17,L,PU,,,JKT01,12345678,2015-01-01,\n",
    )
    call_command("import_participants", str(path))
    out, err = capsys.readouterr()
    assert out.strip() == "import_participants p.csv: 8 rows read, 2 posted, 0 already present, 6 rejected"
    assert err.splitlines() == [
        "line 4: NIK tidak sesuai dengan tanggal lahir atau jenis kelamin",
        "line 5: KPJ harus 11 digit angka",
        "line 6: tanggal lahir harus tanggal valid berformat YYYY-MM-DD",
        "line 7: alamat email tidak valid",
        "line 8: NPP pemberi kerja tidak dikenal",
        "line 9: KPJ ganda di berkas ini",
    ]
    budi = Participant.objects.get(kpj="11111111111")
    assert (budi.full_name, budi.status, budi.nik, budi.nik_index) == (
        "Budi Santoso",
        "aktif",
        good_m,
        nik_index(good_m),
    )
    siti = Participant.objects.get(kpj="11111111112")
    assert (siti.status, siti.status_reason, siti.status_since) == (
        "nonaktif",
        "exit_reported",
        dt.date(2026, 9, 30),
    )
    employment = Employment.objects.get(participant=siti)
    assert (employment.end_date, employment.exit_reported_on) == (dt.date(2026, 9, 30), dt.date(2026, 11, 22))
    assert good_m not in out + err
    again = import_participants(path)
    assert (again.posted, again.duplicate) == (0, 2)
    assert Participant.objects.count() == 2


# --- contributions ---------------------------------------------------------------------------------


@pytest.fixture
def worker() -> Participant:
    BranchFactory(code="JKT01")
    EmployerFactory(npp="12345678", risk_class=3)
    participant: Participant = ParticipantFactory.create(kpj="22222222222")
    return participant


def test_import_contributions_computes_shares_and_credits_the_ledger(
    tmp_path: Path, worker: Participant
) -> None:
    path = write(
        tmp_path,
        "c.csv",
        """
kpj,employer_npp,period,wage_idr,paid_at
22222222222,12345678,2024-02,12000000,2024-03-10
22222222222,12345678,2015-05,3000000,2015-06-10
""",
    )
    report = import_contributions(path)
    assert (report.read, report.posted, report.duplicate, report.rejected) == (2, 2, 0, [])
    feb = Contribution.objects.get(participant=worker, period=dt.date(2024, 2, 1))
    # 2024-02 is before the 1 March 2024 JP cap change: cap 9.559.600.
    assert (feb.jht_employer_idr, feb.jht_worker_idr, feb.jp_employer_idr, feb.jp_worker_idr) == (
        444_000,
        240_000,
        191_192,
        95_596,
    )
    assert (feb.jkk_idr, feb.jkm_idr) == (106_800, 36_000)
    may2015 = Contribution.objects.get(participant=worker, period=dt.date(2015, 5, 1))
    assert (may2015.jp_employer_idr, may2015.jp_worker_idr) == (0, 0)  # before JP existed
    balance = JhtBalance.objects.get(account=worker)
    assert (balance.balance_idr, balance.employer_idr, balance.worker_idr) == (
        684_000 + 171_000,
        444_000 + 111_000,
        240_000 + 60_000,
    )
    entry = LedgerEntry.objects.get(idempotency_key=f"contribution:{feb.pk}")
    assert (entry.value_date, entry.period, entry.amount_idr) == (
        dt.date(2024, 3, 10),
        dt.date(2024, 2, 1),
        684_000,
    )
    assert ledger_reconcile() == []
    again = import_contributions(path)
    assert (again.posted, again.duplicate) == (0, 2)
    assert LedgerEntry.objects.count() == 2
    assert JhtBalance.objects.get(account=worker).balance_idr == 855_000


def test_a_file_partly_posted_before_posts_only_its_new_rows(tmp_path: Path, worker: Participant) -> None:
    first = write(
        tmp_path,
        "jan.csv",
        """
kpj,employer_npp,period,wage_idr,paid_at
22222222222,12345678,2026-01,5000000,2026-02-10
""",
    )
    both = write(
        tmp_path,
        "jan-feb.csv",
        """
kpj,employer_npp,period,wage_idr,paid_at
22222222222,12345678,2026-01,5000000,2026-02-10
22222222222,12345678,2026-02,6000000,2026-03-10
""",
    )
    with CaptureQueriesContext(connection) as fresh:
        assert import_contributions(first).posted == 1
    with CaptureQueriesContext(connection) as overlapping:
        report = import_contributions(both)

    assert (report.read, report.posted, report.duplicate, report.rejected) == (2, 1, 1, [])
    assert sorted(Contribution.objects.values_list("period", "wage_idr")) == [
        (dt.date(2026, 1, 1), 5_000_000),
        (dt.date(2026, 2, 1), 6_000_000),
    ]
    assert LedgerEntry.objects.count() == 2
    balance = JhtBalance.objects.get(account=worker)
    # JHT is 5.7 % of the wage: 285,000 of 5,000,000 and 342,000 of 6,000,000.
    assert (balance.balance_idr, balance.entries_count) == (285_000 + 342_000, 2)
    assert ledger_reconcile() == []
    # A file of new months posts with the plain INSERT; one overlapping what is there falls back to
    # ON CONFLICT after the plain INSERT failed on the first present row.
    assert posting_statements(fresh) == [False]
    assert posting_statements(overlapping) == [False, True]


def posting_statements(queries: CaptureQueriesContext) -> list[bool]:
    """For each contribution posting statement run, whether it skips rows already present."""
    on_conflict = "ON CONFLICT ON CONSTRAINT contribution_unique_month"
    sqls = [q["sql"] for q in queries.captured_queries]
    return [on_conflict in sql for sql in sqls if "INSERT INTO participants_contribution" in sql]


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_concurrently_is_posted_once(tmp_path: Path) -> None:
    branch = BranchFactory(code="JKT01")
    employer = EmployerFactory(npp="12345678", risk_class=3, branch=branch)
    people = [ParticipantFactory(branch=branch) for _ in range(20)]
    lines = [
        f"{p.kpj},{employer.npp},2026-{m:02d},4000000,2026-{m + 1:02d}-10" for p in people for m in (1, 2, 3)
    ]
    path = write(tmp_path, "c.csv", "kpj,employer_npp,period,wage_idr,paid_at\n" + "\n".join(lines) + "\n")
    reports = race(*[partial(import_contributions, path)] * 4)

    assert sorted((r.posted, r.duplicate, len(r.rejected)) for r in reports) == [
        (0, 60, 0),
        (0, 60, 0),
        (0, 60, 0),
        (60, 0, 0),
    ]
    assert Contribution.objects.count() == 60
    assert LedgerEntry.objects.count() == 60
    assert sorted(JhtBalance.objects.values_list("balance_idr", flat=True)) == [3 * 228_000] * 20
    assert ledger_reconcile() == []


def test_bad_contribution_rows_are_reported_and_never_half_posted(
    tmp_path: Path, worker: Participant
) -> None:
    path = write(
        tmp_path,
        "c.csv",
        """
kpj,employer_npp,period,wage_idr,paid_at
99999999999,12345678,2024-02,5000000,2024-03-10
22222222222,00000000,2024-02,5000000,2024-03-10
22222222222,12345678,2024-13,5000000,2024-03-10
22222222222,12345678,2024-02,5.000.000,2024-03-10
22222222222,12345678,2024-02,5000000,2024-02-30
22222222222,12345678,2027-01,5000000,2026-01-10
22222222222,12345678,2024-03,5000000,2024-04-10
22222222222,12345678,2024-03,6000000,2024-04-11
""",
    )
    report = import_contributions(path)
    assert report.rejected == [
        (2, "KPJ tidak dikenal"),
        (3, "NPP pemberi kerja tidak dikenal"),
        (4, "periode harus berformat YYYY-MM"),
        (5, "upah harus bilangan bulat rupiah (tanpa titik atau koma)"),
        (6, "tanggal bayar harus tanggal valid berformat YYYY-MM-DD"),
        (7, "periode di masa depan"),
        (9, "baris ganda untuk KPJ, pemberi kerja dan periode yang sama"),
    ]
    assert report.posted == 1
    assert list(Contribution.objects.values_list("period", "wage_idr")) == [(dt.date(2024, 3, 1), 5_000_000)]
    assert LedgerEntry.objects.count() == 1
    assert ledger_reconcile() == []


@settings(max_examples=25, deadline=None)
@given(wage=st.integers(min_value=0, max_value=200_000_000), risk=st.integers(min_value=1, max_value=5))
def test_sql_shares_equal_the_python_rule(
    tmp_path_factory: pytest.TempPathFactory, wage: int, risk: int
) -> None:
    branch = BranchFactory(code="JKT01")
    employer = EmployerFactory(npp=f"8{risk:07d}", risk_class=risk, branch=branch)
    participant = ParticipantFactory(branch=branch)
    path = tmp_path_factory.mktemp("c") / "c.csv"
    path.write_text(
        f"kpj,employer_npp,period,wage_idr,paid_at\n{participant.kpj},{employer.npp},2025-06,{wage},2025-07-01\n"
    )
    import_contributions(path)
    row = Contribution.objects.get(participant=participant)
    expected = pu_shares(wage_idr=wage, risk_class=risk, rates=rate_table_on(dt.date(2025, 6, 1)))
    assert (
        row.jht_employer_idr,
        row.jht_worker_idr,
        row.jp_employer_idr,
        row.jp_worker_idr,
        row.jkk_idr,
        row.jkm_idr,
    ) == (
        expected.jht_employer_idr,
        expected.jht_worker_idr,
        expected.jp_employer_idr,
        expected.jp_worker_idr,
        expected.jkk_idr,
        expected.jkm_idr,
    )
    assert Decimal(row.jp_employer_idr) <= Decimal("10547400") * Decimal("0.02") + 1


def test_numeric_fallback_gives_the_same_shares(
    tmp_path: Path, worker: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rate table whose bigint form could overflow makes the posting compute in numeric: same shares.
    monkeypatch.setattr("participants.imports.contributions.MAX_WAGE", 10**30)
    path = write(
        tmp_path,
        "c.csv",
        """
kpj,employer_npp,period,wage_idr,paid_at
22222222222,12345678,2024-02,12000000,2024-03-10
""",
    )
    assert import_contributions(path).posted == 1
    feb = Contribution.objects.get(participant=worker)
    assert (feb.jht_employer_idr, feb.jht_worker_idr, feb.jp_employer_idr, feb.jp_worker_idr) == (
        444_000,
        240_000,
        191_192,
        95_596,
    )
    assert (feb.jkk_idr, feb.jkm_idr) == (106_800, 36_000)
    assert ledger_reconcile() == []


def _file_with_every_kind_of_row(tmp_path: Path, people: list[Participant]) -> Path:
    """Three good months per participant, then one bad row of each kind and an in-file duplicate."""
    lines = [f"{p.kpj},12345678,2026-{m:02d},4000000,2026-{m + 1:02d}-10" for p in people for m in (1, 2, 3)]
    first, second = people[0].kpj, people[1].kpj
    lines += [
        "99999999999,12345678,2026-01,4000000,2026-02-10",  # line 38
        f"{second},00000000,2026-01,4000000,2026-02-10",  # 39
        f"{first},12345678,2026-13,4000000,2026-02-10",  # 40
        f"{second},12345678,2026-04,4.000.000,2026-05-10",  # 41
        ",12345678,2026-04,4000000,2026-05-10",  # 42: no KPJ at all
        f"{first},12345678,2026-01,5000000,2026-02-11",  # 43: second row for first's January
    ]
    return write(tmp_path, "c.csv", "kpj,employer_npp,period,wage_idr,paid_at\n" + "\n".join(lines) + "\n")


@pytest.fixture
def twelve_people() -> list[Participant]:
    branch = BranchFactory(code="JKT01")
    EmployerFactory(npp="12345678", risk_class=3, branch=branch)
    return [ParticipantFactory(branch=branch) for _ in range(12)]


def test_the_report_batch_and_ledger_of_a_mixed_file_and_of_its_rerun(
    tmp_path: Path, twelve_people: list[Participant]
) -> None:
    path = _file_with_every_kind_of_row(tmp_path, twelve_people)

    report = import_contributions(path)

    assert (report.read, report.posted, report.duplicate) == (42, 36, 0)
    assert report.rejected == [
        (38, "KPJ tidak dikenal"),
        (39, "NPP pemberi kerja tidak dikenal"),
        (40, "periode harus berformat YYYY-MM"),
        (41, "upah harus bilangan bulat rupiah (tanpa titik atau koma)"),
        (42, "KPJ tidak dikenal"),
        (43, "baris ganda untuk KPJ, pemberi kerja dan periode yang sama"),
    ]
    assert Contribution.objects.count() == 36
    assert LedgerEntry.objects.count() == 36
    assert sorted(JhtBalance.objects.values_list("account_id", "balance_idr", "entries_count")) == sorted(
        (p.pk, 3 * 228_000, 3) for p in twelve_people
    )
    assert ledger_reconcile() == []
    batch = ImportBatch.objects.get()
    assert (batch.rows_read, batch.rows_posted, batch.rows_duplicate, batch.rows_rejected) == (42, 36, 0, 6)
    assert batch.finished_at is not None
    assert set(Contribution.objects.values_list("batch_id", flat=True)) == {batch.pk}

    again = import_contributions(path)

    assert (again.read, again.posted, again.duplicate, len(again.rejected)) == (42, 0, 36, 6)
    assert LedgerEntry.objects.count() == 36
    assert ledger_reconcile() == []


def test_an_import_that_fails_while_posting_leaves_nothing_behind(
    tmp_path: Path, twelve_people: list[Participant], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contributions are inserted and the ledger posted, then the import fails: all of it, the
    batch row included, rolls back (one transaction); the same file then imports normally."""
    import participants.imports.contributions as module

    real_post = module.ledger_post_batch
    posted: list[int] = []

    def post_then_fail(**kwargs: object) -> object:
        posted.append(real_post(**kwargs).entries)
        raise ConnectionError("connection lost")

    monkeypatch.setattr(module, "ledger_post_batch", post_then_fail)
    path = _file_with_every_kind_of_row(tmp_path, twelve_people)

    with pytest.raises(ConnectionError, match="connection lost"):
        import_contributions(path)

    assert posted == [36]
    assert Contribution.objects.count() == 0
    assert LedgerEntry.objects.count() == 0
    assert JhtBalance.objects.count() == 0
    assert ImportBatch.objects.count() == 0
    monkeypatch.setattr(module, "ledger_post_batch", real_post)
    assert import_contributions(path).posted == 36
    assert ledger_reconcile() == []
