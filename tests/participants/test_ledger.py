import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from participants.ledger.models import EntryKind, JhtBalance, LedgerEntry
from participants.ledger.services import (
    InsufficientBalance,
    NewEntry,
    Posted,
    ledger_post,
    ledger_post_batch,
    ledger_reconcile,
    ledger_staging_create,
)
from tests.factories import ParticipantFactory, post_contribution

pytestmark = pytest.mark.django_db
D = dt.date(2026, 1, 31)


def test_contribution_moves_balance_and_parts() -> None:
    p = ParticipantFactory()
    post_contribution(p, period=dt.date(2026, 1, 1), wage_idr=5_000_000)
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.employer_idr, balance.worker_idr) == (285_000, 185_000, 100_000)
    assert balance.entries_count == 1
    assert ledger_reconcile() == []


def test_same_idempotency_key_posts_once() -> None:
    p = ParticipantFactory()
    kwargs = {"account_id": p.pk, "kind": EntryKind.DEVELOPMENT, "amount_idr": 1000, "value_date": D}
    first = ledger_post(idempotency_key="dev:x:2025", year=2025, **kwargs)
    second = ledger_post(idempotency_key="dev:x:2025", year=2025, **kwargs)
    assert first is not None
    assert second is None
    assert JhtBalance.objects.get(account=p).balance_idr == 1000
    assert LedgerEntry.objects.count() == 1


def test_payout_larger_than_balance_is_refused_and_changes_nothing() -> None:
    p = ParticipantFactory()
    ledger_post(
        account_id=p.pk,
        kind=EntryKind.DEVELOPMENT,
        amount_idr=500,
        value_date=D,
        year=2025,
        idempotency_key="dev",
    )
    with pytest.raises(InsufficientBalance):
        ledger_post(
            account_id=p.pk,
            kind=EntryKind.CLAIM_PAYOUT,
            amount_idr=-501,
            value_date=D,
            idempotency_key="payout",
        )
    assert JhtBalance.objects.get(account=p).balance_idr == 500
    assert not LedgerEntry.objects.filter(idempotency_key="payout").exists()


def test_correction_without_reason_is_refused() -> None:
    p = ParticipantFactory()
    with pytest.raises(IntegrityError):
        ledger_post(
            account_id=p.pk, kind=EntryKind.CORRECTION, amount_idr=10, value_date=D, idempotency_key="c"
        )
    assert not JhtBalance.objects.filter(account=p).exists()


def test_entries_cannot_be_updated_or_deleted() -> None:
    p = ParticipantFactory()
    post_contribution(p, period=dt.date(2026, 1, 1), wage_idr=1_000_000)
    entry = LedgerEntry.objects.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_idr=1)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        entry.delete()
    entry.refresh_from_db()
    assert entry.amount_idr == 57_000


def test_reconcile_reports_a_tampered_balance() -> None:
    p = ParticipantFactory()
    post_contribution(p, period=dt.date(2026, 1, 1), wage_idr=1_000_000)
    JhtBalance.objects.filter(account=p).update(balance_idr=60_000, other_idr=3_000)
    [mismatch] = ledger_reconcile()
    assert (mismatch.kpj, mismatch.balance_idr, mismatch.ledger_sum_idr) == (p.kpj, 60_000, 57_000)


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_to_one_kpj_lose_nothing() -> None:
    p = ParticipantFactory()
    barrier = threading.Barrier(8)

    def post(i: int) -> None:
        try:
            barrier.wait()
            for j in range(10):
                ledger_post(
                    account_id=p.pk,
                    kind=EntryKind.DEVELOPMENT,
                    amount_idr=7,
                    value_date=D,
                    year=2000 + j,
                    idempotency_key=f"t{i}-{j}",
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.entries_count) == (8 * 10 * 7, 80)
    assert ledger_reconcile() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_post_once() -> None:
    p = ParticipantFactory()
    barrier = threading.Barrier(8)
    results: list[object] = []

    def post() -> None:
        try:
            barrier.wait()
            results.append(
                ledger_post(
                    account_id=p.pk,
                    kind=EntryKind.DEVELOPMENT,
                    amount_idr=99,
                    value_date=D,
                    year=2025,
                    idempotency_key="same",
                )
            )
        finally:
            connection.close()

    for _ in range(5):  # several rounds: one lucky interleaving proves nothing
        results.clear()
        LedgerEntry.objects.filter(idempotency_key="same").exists()
        threads = [threading.Thread(target=post) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert JhtBalance.objects.get(account=p).balance_idr == 99
    assert LedgerEntry.objects.filter(idempotency_key="same").count() == 1


def test_participants_and_employers_cannot_be_deleted() -> None:
    from participants.models import Employer, Participant
    from tests.factories import EmployerFactory

    p = ParticipantFactory()
    e = EmployerFactory()
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        Participant.objects.filter(pk=p.pk).delete()
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        Employer.objects.filter(pk=e.pk).delete()
    assert Participant.objects.filter(pk=p.pk).exists()
    assert Employer.objects.filter(pk=e.pk).exists()


def test_debits_move_the_balance_down_to_exactly_zero() -> None:
    p = ParticipantFactory()
    post_contribution(p, period=dt.date(2026, 1, 1), wage_idr=1_000_000)  # 57.000
    ledger_post(
        account_id=p.pk, kind=EntryKind.CLAIM_PAYOUT, amount_idr=-1, value_date=D, idempotency_key="p1"
    )
    ledger_post(
        account_id=p.pk, kind=EntryKind.CLAIM_PAYOUT, amount_idr=-56_999, value_date=D, idempotency_key="p2"
    )
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.other_idr, balance.entries_count) == (0, -57_000, 3)
    with pytest.raises(InsufficientBalance):
        ledger_post(
            account_id=p.pk, kind=EntryKind.CLAIM_PAYOUT, amount_idr=-1, value_date=D, idempotency_key="p3"
        )
    assert ledger_reconcile() == []


def test_first_posting_cannot_be_a_debit() -> None:
    p = ParticipantFactory()
    with pytest.raises(InsufficientBalance):
        ledger_post(
            account_id=p.pk, kind=EntryKind.CLAIM_PAYOUT, amount_idr=-5, value_date=D, idempotency_key="x"
        )
    assert not JhtBalance.objects.filter(account=p).exists()
    assert not LedgerEntry.objects.exists()


# --- Several contributions of one KPJ at once (a BPU payment of 1-12 months) -----------------------


def _bpu_rows(p: object, months: int, jht_idr: int = 20_000, year: int = 2026) -> list:
    from participants.models import Contribution

    return [
        Contribution.objects.create(
            participant=p,
            period=dt.date(year, m, 1),
            wage_idr=1_000_000,
            jht_worker_idr=jht_idr,
            jkk_idr=2_400,
            jkm_idr=6_800,
            posted_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        )
        for m in range(1, months + 1)
    ]


def test_batch_credit_posts_every_month_and_moves_the_balance_once() -> None:
    from participants.ledger.services import contributions_credit_jht

    p = ParticipantFactory()
    rows = _bpu_rows(p, 12)
    assert contributions_credit_jht(contributions=rows, value_date=D, reason="Iuran BPU X") == 12
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.worker_idr, balance.employer_idr) == (240_000, 240_000, 0)
    assert balance.entries_count == 12
    keys = set(LedgerEntry.objects.filter(account=p).values_list("idempotency_key", flat=True))
    assert keys == {f"contribution:{r.pk}" for r in rows}
    assert set(LedgerEntry.objects.filter(account=p).values_list("reason", "value_date")) == {
        ("Iuran BPU X", D)
    }
    assert ledger_reconcile() == []


def test_batch_credit_twice_and_after_a_single_credit_posts_each_row_once() -> None:
    from participants.ledger.services import contribution_credit_jht, contributions_credit_jht

    p = ParticipantFactory()
    rows = _bpu_rows(p, 3)
    contribution_credit_jht(contribution=rows[0], value_date=D)
    assert contributions_credit_jht(contributions=rows, value_date=D) == 2
    assert contributions_credit_jht(contributions=rows, value_date=D) == 0
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.entries_count) == (60_000, 3)
    assert LedgerEntry.objects.filter(account=p).count() == 3
    assert ledger_reconcile() == []


def test_batch_credit_skips_rows_without_jht_and_credits_each_kpj_its_own_rows() -> None:
    from participants.ledger.services import contributions_credit_jht

    p, other = ParticipantFactory(), ParticipantFactory()
    assert contributions_credit_jht(contributions=_bpu_rows(p, 2, jht_idr=0), value_date=D) == 0
    assert not JhtBalance.objects.filter(account=p).exists()
    rows = [*_bpu_rows(p, 1, year=2025), *_bpu_rows(other, 3, jht_idr=15_000)]
    assert contributions_credit_jht(contributions=rows, value_date=D) == 4
    assert sorted(
        JhtBalance.objects.values_list("account_id", "balance_idr", "worker_idr", "entries_count")
    ) == [
        (p.pk, 20_000, 20_000, 1),
        (other.pk, 45_000, 45_000, 3),
    ]
    assert LedgerEntry.objects.count() == 4
    assert ledger_reconcile() == []


@pytest.mark.django_db(transaction=True)
def test_batch_credit_from_two_threads_posts_once() -> None:
    from participants.ledger.services import contributions_credit_jht

    for _ in range(5):
        p = ParticipantFactory()
        rows = _bpu_rows(p, 6)
        barrier = threading.Barrier(2)
        results: list[int] = []

        def credit(
            rows: list = rows, barrier: threading.Barrier = barrier, results: list[int] = results
        ) -> None:
            barrier.wait()
            try:
                results.append(contributions_credit_jht(contributions=rows, value_date=D))
            finally:
                connection.close()

        threads = [threading.Thread(target=credit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [0, 6]
        assert JhtBalance.objects.get(account=p).balance_idr == 120_000
        assert LedgerEntry.objects.filter(account=p).count() == 6


def test_a_user_named_by_ledger_entries_cannot_be_deleted_and_keys_compare_bytewise() -> None:
    """Migration 0007: the database refuses what the dropped created_by FK refused."""
    from participants.models import User
    from tests.factories import StaffFactory

    author, bystander = StaffFactory(), StaffFactory()
    p = ParticipantFactory()
    ledger_post(
        account_id=p.pk,
        kind=EntryKind.CORRECTION,
        amount_idr=5_000,
        value_date=dt.date(2026, 1, 5),
        idempotency_key="correction:author-test",
        reason="koreksi",
        created_by_id=author.pk,
    )
    with (
        pytest.raises(IntegrityError, match="made JHT ledger entries"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM participants_user WHERE id = %s", [author.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM participants_user WHERE id = %s", [bystander.pk])
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns"
            " WHERE table_name = 'participants_ledgerentry' AND column_name = 'idempotency_key'"
        )
        assert cursor.fetchone() == ("C",)
    assert list(User.objects.filter(pk__in=[author.pk, bystander.pk]).values_list("pk", flat=True)) == [
        author.pk
    ]


# --- ledger_post_batch: the one writer ---------------------------------------------------------------


def _entry(account_id: int, kind: str, amount: int, key: str, **extra: object) -> NewEntry:
    return NewEntry(
        account_id=account_id, kind=kind, amount_idr=amount, value_date=D, idempotency_key=key, **extra
    )


def test_a_batch_moves_each_balance_part_of_each_kpj() -> None:
    p, other = ParticipantFactory(), ParticipantFactory()
    posted = ledger_post_batch(
        entries=[
            _entry(p.pk, EntryKind.CONTRIBUTION, 300, "c1", employer_idr=200, worker_idr=100),
            _entry(p.pk, EntryKind.DEVELOPMENT, 40, "d1", year=2025),
            _entry(p.pk, EntryKind.CLAIM_PAYOUT, -140, "x1"),
            _entry(other.pk, EntryKind.CORRECTION, 7, "k1", reason="koreksi"),
        ]
    )
    assert (posted.entries, posted.total_idr, posted.accounts) == (4, 207, 2)
    assert posted.last_id == LedgerEntry.objects.get(idempotency_key="k1").pk
    rows = JhtBalance.objects.order_by("account_id").values_list(
        "account_id",
        "balance_idr",
        "employer_idr",
        "worker_idr",
        "development_idr",
        "other_idr",
        "entries_count",
    )
    assert list(rows) == [(p.pk, 200, 200, 100, 40, -140, 3), (other.pk, 7, 0, 0, 0, 7, 1)]
    assert ledger_reconcile() == []


def test_a_batch_with_keys_posted_before_posts_only_the_new_ones() -> None:
    p = ParticipantFactory()
    ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 100, "a", reason="r")])
    posted = ledger_post_batch(
        entries=[
            _entry(p.pk, EntryKind.CORRECTION, 100, "a", reason="r"),
            _entry(p.pk, EntryKind.CORRECTION, 5, "b", reason="r"),
        ]
    )
    assert (posted.entries, posted.total_idr, posted.accounts) == (1, 5, 1)
    assert JhtBalance.objects.get(account=p).balance_idr == 105
    assert ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 5, "b", reason="r")]) == Posted(
        0, 0, 0, None
    )
    assert ledger_post_batch(entries=[]) == Posted(0, 0, 0, None)


def test_a_batch_that_would_overdraw_one_kpj_posts_nothing_at_all() -> None:
    p, other = ParticipantFactory(), ParticipantFactory()
    ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 100, "start", reason="r")])
    with pytest.raises(InsufficientBalance) as refused:
        ledger_post_batch(
            entries=[
                _entry(other.pk, EntryKind.CORRECTION, 50, "fine", reason="r"),
                _entry(p.pk, EntryKind.CLAIM_PAYOUT, -101, "too-much"),
            ]
        )
    assert refused.value.args == tuple(sorted([p.pk, other.pk]))
    assert list(LedgerEntry.objects.values_list("idempotency_key", flat=True)) == ["start"]
    assert list(JhtBalance.objects.values_list("account_id", "balance_idr")) == [(p.pk, 100)]


def test_a_batch_with_one_entry_breaking_a_constraint_posts_nothing() -> None:
    p = ParticipantFactory()
    with pytest.raises(IntegrityError, match="ledger_correction_has_reason"):
        ledger_post_batch(
            entries=[
                _entry(p.pk, EntryKind.CORRECTION, 50, "ok", reason="r"),
                _entry(p.pk, EntryKind.CORRECTION, 50, "no-reason"),
            ]
        )
    assert not LedgerEntry.objects.exists()
    assert not JhtBalance.objects.exists()


def test_the_staging_table_is_posted_like_a_list() -> None:
    p, other = ParticipantFactory(), ParticipantFactory()
    with transaction.atomic():
        staging = ledger_staging_create()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {staging.table} "  # noqa: S608 - the staging table's own name
                "(account_id, kind, amount_idr, value_date, year, idempotency_key)"
                " SELECT id, 'development', 1000 * id, %s, 2025, 'dev-' || id"
                " FROM participants_participant WHERE id IN (%s, %s)",
                [D, p.pk, other.pk],
            )
        with CaptureQueriesContext(connection) as fresh:
            posted = ledger_post_batch(entries=staging)
        # Posting the same staged set again, or from a new staging table, posts nothing.
        with CaptureQueriesContext(connection) as again:
            assert ledger_post_batch(entries=staging).entries == 0
        assert ledger_post_batch(entries=ledger_staging_create()).entries == 0
    # New keys post with the plain INSERT; a key already there makes it fail and fall back to ON CONFLICT.
    assert ledger_statements(fresh) == [False]
    assert ledger_statements(again) == [False, True]
    assert (posted.entries, posted.total_idr, posted.accounts) == (2, 1000 * (p.pk + other.pk), 2)
    assert sorted(JhtBalance.objects.values_list("account_id", "development_idr")) == [
        (p.pk, 1000 * p.pk),
        (other.pk, 1000 * other.pk),
    ]
    entry = LedgerEntry.objects.get(idempotency_key=f"dev-{p.pk}")
    assert (entry.kind, entry.year, entry.value_date, entry.reason, entry.created_by_id) == (
        "development",
        2025,
        D,
        "",
        None,
    )
    assert ledger_reconcile() == []


def ledger_statements(queries: CaptureQueriesContext) -> list[bool]:
    """For each ledger posting statement run, whether it skips keys already present."""
    sqls = [q["sql"] for q in queries.captured_queries if "INSERT INTO participants_ledgerentry" in q["sql"]]
    return ["ON CONFLICT ON CONSTRAINT ledger_unique_idempotency_key" in sql for sql in sqls]


def test_a_list_posts_with_on_conflict_at_once() -> None:
    p = ParticipantFactory()
    with CaptureQueriesContext(connection) as queries:
        ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 5, "only", reason="r")])
    assert ledger_statements(queries) == [True]


@pytest.mark.django_db(transaction=True)
def test_a_first_balance_row_created_meanwhile_by_another_transaction_still_gets_the_move() -> None:
    """B's statement starts before A commits A's first posting to the KPJ: B's UPDATE finds no row,
    its INSERT waits for A and then meets A's row; B adds its move to that row after the statement."""
    p = ParticipantFactory()
    a_posted, a_may_commit = threading.Event(), threading.Event()
    b_pid: list[int] = []
    errors: list[BaseException] = []

    def a() -> None:
        try:
            with transaction.atomic():
                ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 100, "a", reason="r")])
                a_posted.set()
                a_may_commit.wait(timeout=30)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    def b() -> None:
        try:
            a_posted.wait(timeout=30)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                b_pid.append(cursor.fetchone()[0])
            ledger_post_batch(entries=[_entry(p.pk, EntryKind.CORRECTION, 7, "b", reason="r")])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    # Let A commit only once B waits for A's transaction (its INSERT met A's uncommitted row).
    waited = False
    with connection.cursor() as cursor:
        for _ in range(3000):
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                [b_pid[0] if b_pid else 0],
            )
            row = cursor.fetchone()
            if row is not None and row[0] == "Lock":
                waited = True
                break
            threading.Event().wait(0.01)
    a_may_commit.set()
    for t in threads:
        t.join()
    assert errors == []
    assert waited
    balance = JhtBalance.objects.get(account=p)
    assert (balance.balance_idr, balance.other_idr, balance.entries_count) == (107, 107, 2)
    assert ledger_reconcile() == []
