"""Payments in the back office: scope, filters, re-check, resolving flags, export, no deletes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
import respx
from django.test import Client

from accounts.roles import StaffRole
from contributions.models import FlagKind, Payment, PaymentEvent, PaymentFlag
from contributions.models import PaymentStatus as S
from tests.backoffice.payment_factories import WIB, flag, make_payment, staff
from tests.factories import BranchFactory
from tests.staff_login import staff_login

DAY = dt.date(2026, 3, 10)
AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=WIB)
CHANGELIST = "/admin/contributions/payment/"
MIDTRANS = "https://api.sandbox.midtrans.com"
PAYMENT_CHANGELIST_QUERY_BUDGET = 8

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _payments_settings(settings: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test-key-123"
    settings.MIDTRANS_BASE_URL = MIDTRANS


@pytest.fixture
def world() -> dict[str, Any]:
    jkt, bdg = BranchFactory(code="JKT01"), BranchFactory(code="BDG01")
    return {
        "jkt": jkt,
        "bdg": bdg,
        "reviewer": staff(StaffRole.REVIEWER, jkt),
        "supervisor": staff(StaffRole.SUPERVISOR, jkt),
        "auditor": staff(StaffRole.AUDITOR),
        "administrator": staff(StaffRole.ADMINISTRATOR),
        "reviewer_bdg": staff(StaffRole.REVIEWER, bdg),
        "no_role": staff(None, jkt),
        "own": make_payment(branch=jkt, status=S.PENDING, created_at=AT, charge_status="pending"),
        "other": make_payment(branch=bdg, status=S.PENDING, created_at=AT, charge_status="pending"),
    }


def client_for(user: Any) -> Client:
    client = Client()
    staff_login(client, user)  # password + TOTP, as the staff admin requires
    return client


def action_names(response: Any) -> set[str]:
    form = response.context["action_form"]
    return set() if form is None else {name for name, _ in form.fields["action"].choices}


def listed(response: Any) -> set[str]:
    return {p.order_id for p in response.context["cl"].result_list}


# --- Scope and permissions ------------------------------------------------------------------------


def test_reviewer_sees_own_branch_only_auditor_sees_all(world: dict[str, Any]) -> None:
    response = client_for(world["reviewer"]).get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == {world["own"].order_id}
    assert listed(client_for(world["auditor"]).get(CHANGELIST)) == {
        world["own"].order_id,
        world["other"].order_id,
    }


def test_staff_without_role_cannot_open_payments(world: dict[str, Any]) -> None:
    assert client_for(world["no_role"]).get(CHANGELIST).status_code == 403


@pytest.mark.parametrize("page", ["change/", "history/"])
def test_other_branch_payment_is_404(world: dict[str, Any], page: str) -> None:
    client = client_for(world["reviewer"])
    assert client.get(f"{CHANGELIST}{world['own'].pk}/{page}").status_code == 200
    assert client.get(f"{CHANGELIST}{world['other'].pk}/{page}").status_code == 404


def test_other_branch_history_version_is_404(world: dict[str, Any]) -> None:
    version = world["other"].history.latest()
    url = f"{CHANGELIST}{world['other'].pk}/history/{version.history_id}/"
    assert client_for(world["reviewer"]).get(url).status_code == 404
    assert client_for(world["auditor"]).get(url).status_code == 200


@pytest.mark.parametrize("role", ["reviewer", "supervisor", "auditor", "administrator"])
def test_nobody_deletes_or_edits_payments(world: dict[str, Any], role: str) -> None:
    client = client_for(world[role])
    payment = world["own"]
    assert client.post(f"{CHANGELIST}{payment.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        f"{CHANGELIST}{payment.pk}/change/", {"status": S.SETTLEMENT, "needs_review": "on"}
    )
    assert response.status_code == 403
    assert "delete_selected" not in action_names(client.get(CHANGELIST))
    payment.refresh_from_db()
    assert (payment.status, payment.needs_review) == (S.PENDING, False)
    assert Payment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/contributions/gatewaynotification/",
        "/admin/contributions/paymentflag/",
        "/admin/contributions/receipt/",
    ],
)
def test_related_changelists_open_and_have_no_delete(world: dict[str, Any], url: str) -> None:
    response = client_for(world["administrator"]).get(url)
    assert response.status_code == 200
    assert "delete_selected" not in action_names(response)


def test_change_page_shows_flags_and_status_read_only(world: dict[str, Any]) -> None:
    flag(world["own"], FlagKind.LATE_MONEY, "Uang diterima setelah kedaluwarsa.")
    response = client_for(world["reviewer"]).get(f"{CHANGELIST}{world['own'].pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Uang diterima setelah kedaluwarsa." in body
    assert 'name="status"' not in body


# --- Filters ------------------------------------------------------------------------------------


def test_filters_by_status_channel_and_date(world: dict[str, Any]) -> None:
    jkt = world["jkt"]
    settled = make_payment(branch=jkt, status=S.SETTLEMENT, channel="qris", created_at=AT, paid_at=AT)
    old = make_payment(
        branch=jkt,
        status=S.EXPIRE,
        channel="bca_va",
        created_at=AT - dt.timedelta(days=3),
        charge_status="expire",
    )
    client = client_for(world["reviewer"])
    assert listed(client.get(CHANGELIST, {"status__exact": "settlement"})) == {settled.order_id}
    assert listed(client.get(CHANGELIST, {"channel__exact": "qris"})) == {settled.order_id}
    by_day = client.get(
        CHANGELIST, {"created_at__year": "2026", "created_at__month": "3", "created_at__day": "7"}
    )
    assert listed(by_day) == {old.order_id}


def test_flagged_filter(world: dict[str, Any]) -> None:
    jkt = world["jkt"]
    mismatch = make_payment(branch=jkt, status=S.PENDING, created_at=AT, participant=None)
    late = make_payment(branch=jkt, status=S.SETTLEMENT, created_at=AT, paid_at=AT)
    done = make_payment(branch=jkt, status=S.SETTLEMENT, created_at=AT, paid_at=AT)
    flag(mismatch, FlagKind.AMOUNT_MISMATCH)
    flag(late, FlagKind.LATE_MONEY)
    resolved = flag(done, FlagKind.LATE_MONEY)
    PaymentFlag.objects.filter(pk=resolved.pk).update(
        resolved_at=AT, resolved_by=world["supervisor"], resolution_note="ok"
    )
    client = client_for(world["reviewer"])
    assert listed(client.get(CHANGELIST, {"tanda": "open"})) == {mismatch.order_id, late.order_id}
    assert listed(client.get(CHANGELIST, {"tanda": "amount_mismatch"})) == {mismatch.order_id}
    assert listed(client.get(CHANGELIST, {"tanda": "late_money"})) == {late.order_id}
    assert listed(client.get(CHANGELIST, {"tanda": "resolved"})) == {done.order_id}


# --- Re-check with the gateway ------------------------------------------------------------------


def _action(client: Client, action: str, payments: list[Payment], **extra: str) -> Any:
    data = {"action": action, "_selected_action": [str(p.pk) for p in payments], **extra}
    return client.post(CHANGELIST, data, follow=True)


def test_recheck_applies_the_gateways_status_with_the_actor(world: dict[str, Any], settings: Any) -> None:
    from contributions.models import FakeCharge

    payment = world["own"]
    FakeCharge.objects.filter(order_id=payment.order_id).update(transaction_status="expire")
    response = _action(client_for(world["reviewer"]), "recheck_with_gateway", [payment, world["other"]])
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == S.EXPIRE
    event = PaymentEvent.objects.get(payment=payment, to_status=S.EXPIRE)
    assert (event.source, event.actor_id) == ("staff", world["reviewer"].pk)
    # The other branch's payment was selected by id but is outside the scope: untouched.
    assert Payment.objects.get(pk=world["other"].pk).status == S.PENDING


def test_recheck_with_a_different_amount_changes_nothing_and_flags(world: dict[str, Any]) -> None:
    from contributions.models import FakeCharge

    payment = world["own"]
    FakeCharge.objects.filter(order_id=payment.order_id).update(
        transaction_status="settlement", gross_amount="1000.00"
    )
    response = _action(client_for(world["reviewer"]), "recheck_with_gateway", [payment])
    assert "ditolak" in response.content.decode()
    payment.refresh_from_db()
    assert (payment.status, payment.needs_review, payment.paid_at) == (S.PENDING, True, None)
    assert list(payment.flags.values_list("kind", flat=True)) == [FlagKind.AMOUNT_MISMATCH]


def test_auditor_cannot_recheck(world: dict[str, Any]) -> None:
    from contributions.models import FakeCharge

    payment = world["own"]
    FakeCharge.objects.filter(order_id=payment.order_id).update(transaction_status="expire")
    _action(client_for(world["auditor"]), "recheck_with_gateway", [payment])
    assert Payment.objects.get(pk=payment.pk).status == S.PENDING
    assert not PaymentEvent.objects.filter(payment=payment, to_status=S.EXPIRE).exists()


@respx.mock
def test_recheck_through_midtrans(world: dict[str, Any]) -> None:
    payment = make_payment(branch=world["jkt"], status=S.PENDING, created_at=AT, gateway="midtrans")
    respx.get(f"{MIDTRANS}/v2/{payment.order_id}/status").respond(
        200,
        json={
            "status_code": "407",
            "transaction_status": "expire",
            "order_id": payment.order_id,
            "gross_amount": "36800.00",
            "transaction_id": "tx-m",
        },
    )
    _action(client_for(world["supervisor"]), "recheck_with_gateway", [payment])
    assert Payment.objects.get(pk=payment.pk).status == S.EXPIRE


@respx.mock
def test_recheck_when_midtrans_is_down_changes_nothing(world: dict[str, Any]) -> None:
    payment = make_payment(branch=world["jkt"], status=S.PENDING, created_at=AT, gateway="midtrans")
    respx.get(f"{MIDTRANS}/v2/{payment.order_id}/status").mock(side_effect=httpx.ConnectTimeout("slow"))
    response = _action(client_for(world["supervisor"]), "recheck_with_gateway", [payment])
    assert "gateway tidak dapat dihubungi" in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == S.PENDING
    assert payment.events.count() == 0


# --- Resolving flags ----------------------------------------------------------------------------


def test_resolve_asks_for_confirmation_and_a_note(world: dict[str, Any]) -> None:
    payment = world["own"]
    open_flag = flag(payment, FlagKind.AMOUNT_MISMATCH, "Notifikasi dengan jumlah 1000.00 berbeda.")
    client = client_for(world["supervisor"])
    page = _action(client, "resolve_flags", [payment])
    assert page.templates[0].name == "admin/contributions/resolve_flags.html"
    assert "Notifikasi dengan jumlah 1000.00 berbeda." in page.content.decode()
    empty = _action(client, "resolve_flags", [payment], confirm="yes", note="   ")
    assert empty.templates[0].name == "admin/contributions/resolve_flags.html"
    open_flag.refresh_from_db()
    assert (open_flag.resolved_at, open_flag.resolution_note) == (None, "")
    assert Payment.objects.get(pk=payment.pk).needs_review is True


def test_resolve_records_who_when_and_note(world: dict[str, Any]) -> None:
    payment = world["own"]
    first = flag(payment, FlagKind.AMOUNT_MISMATCH)
    second = flag(payment, FlagKind.LATE_MONEY)
    response = _action(
        client_for(world["supervisor"]),
        "resolve_flags",
        [payment],
        confirm="yes",
        note="Dicek dengan mutasi bank.",
    )
    assert "2 tanda diselesaikan." in response.content.decode()
    for f in (first, second):
        f.refresh_from_db()
        assert (f.resolved_by_id, f.resolution_note) == (world["supervisor"].pk, "Dicek dengan mutasi bank.")
        assert f.resolved_at is not None
    payment.refresh_from_db()
    assert payment.needs_review is False
    latest = payment.history.latest()
    assert (latest.needs_review, latest.history_user_id) == (False, world["supervisor"].pk)


@pytest.mark.parametrize("role", ["reviewer", "auditor"])
def test_resolve_refused_without_the_role(world: dict[str, Any], role: str) -> None:
    payment = world["own"]
    open_flag = flag(payment)
    _action(client_for(world[role]), "resolve_flags", [payment], confirm="yes", note="Selesai.")
    open_flag.refresh_from_db()
    assert open_flag.resolved_at is None
    assert Payment.objects.get(pk=payment.pk).needs_review is True


def test_resolve_service_refuses_other_branch_and_repeats(world: dict[str, Any]) -> None:
    from contributions.flags import FlagError, payment_flags_resolve

    other_flag = flag(world["other"])
    with pytest.raises(FlagError):
        payment_flags_resolve(actor=world["supervisor"], flag_ids=[other_flag.pk], note="Selesai.")
    own_flag = flag(world["own"])
    assert payment_flags_resolve(actor=world["supervisor"], flag_ids=[own_flag.pk], note="Selesai.") == 1
    with pytest.raises(FlagError):
        payment_flags_resolve(actor=world["supervisor"], flag_ids=[own_flag.pk], note="Lagi.")
    own_flag.refresh_from_db()
    assert own_flag.resolution_note == "Selesai."
    other_flag.refresh_from_db()
    assert other_flag.resolved_at is None


def test_unknown_order_flags_are_national(world: dict[str, Any]) -> None:
    from contributions.models import GatewayNotification

    note = GatewayNotification.objects.create(
        provider="midtrans",
        event_key="k1",
        order_id="IU-UNKNOWN",
        transaction_status="settlement",
        raw_body="{}",
        outcome="unknown_order",
        needs_review=True,
    )
    unknown = PaymentFlag.objects.create(notification=note, kind=FlagKind.UNKNOWN_ORDER, detail="?")
    url = "/admin/contributions/paymentflag/"
    assert [f.pk for f in client_for(world["reviewer"]).get(url).context["cl"].result_list] == []
    assert [f.pk for f in client_for(world["auditor"]).get(url).context["cl"].result_list] == [unknown.pk]
    client_for(world["administrator"]).post(
        url,
        {
            "action": "resolve_flags",
            "_selected_action": [unknown.pk],
            "confirm": "yes",
            "note": "Uang dikembalikan.",
        },
    )
    unknown.refresh_from_db()
    note.refresh_from_db()
    assert (unknown.resolution_note, note.needs_review) == ("Uang dikembalikan.", False)


# --- Reconciliation page and export -------------------------------------------------------------


def test_reconciliation_page_totals_are_scoped(world: dict[str, Any]) -> None:
    make_payment(branch=world["jkt"], status=S.SETTLEMENT, created_at=AT, paid_at=AT, amount_idr=50_000)
    make_payment(branch=world["bdg"], status=S.SETTLEMENT, created_at=AT, paid_at=AT, amount_idr=70_000)
    url = "/admin/contributions/payment/rekonsiliasi/"
    page = client_for(world["reviewer"]).get(url, {"day": DAY.isoformat()})
    assert '<td class="p-2">Virtual account BCA</td><td class="p-2">Lunas</td>' in page.content.decode()
    mine = page.context["summary"]
    everyone = client_for(world["auditor"]).get(url, {"day": DAY.isoformat()}).context["summary"]
    assert (mine.totals.settled_count, mine.totals.settled_amount_idr) == (1, 50_000)
    assert (everyone.totals.settled_count, everyone.totals.settled_amount_idr) == (2, 120_000)
    assert client_for(world["auditor"]).get(url, {"day": "kemarin"}).context["summary"] is None


def test_reconciliation_rerun_is_queued_for_staff_not_auditors(
    world: dict[str, Any], monkeypatch: Any
) -> None:
    from contributions import tasks

    queued: list[str] = []
    monkeypatch.setattr(tasks.reconcile_day, "delay", lambda day: queued.append(day))
    url = "/admin/contributions/payment/rekonsiliasi/"
    assert client_for(world["auditor"]).post(url, {"day": "2026-03-10"}).status_code == 403
    assert client_for(world["reviewer"]).post(url, {"day": "2026-03-32"}).status_code == 200
    assert queued == []
    assert client_for(world["reviewer"]).post(url, {"day": "2026-03-10"}).status_code == 302
    assert queued == ["2026-03-10"]


def test_settlement_csv_download_is_scoped(world: dict[str, Any]) -> None:
    mine = make_payment(branch=world["jkt"], status=S.SETTLEMENT, created_at=AT, paid_at=AT)
    make_payment(branch=world["bdg"], status=S.SETTLEMENT, created_at=AT, paid_at=AT)
    response = client_for(world["reviewer"]).get(
        "/admin/contributions/payment/settlement.csv", {"day": DAY.isoformat()}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="settlement-20260310.csv"'
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{mine.order_id},fake,")
    bad = client_for(world["reviewer"]).get("/admin/contributions/payment/settlement.csv", {"day": "x"})
    assert bad.status_code == 400


def test_changelist_query_count_does_not_grow_with_rows(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        flag(make_payment(branch=world["jkt"], status=S.SETTLEMENT, created_at=AT, paid_at=AT))
    client = client_for(world["reviewer"])
    client.get(CHANGELIST)  # warm the session and content types
    with django_assert_max_num_queries(PAYMENT_CHANGELIST_QUERY_BUDGET):
        response = client.get(CHANGELIST, {"tanda": "open"})
    assert len(response.context["cl"].result_list) == 30


def test_recheck_service_checks_role_and_scope(world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from contributions.flags import payment_recheck

    with pytest.raises(PermissionDenied):
        payment_recheck(actor=world["auditor"], payment_id=world["own"].pk)
    with pytest.raises(Http404):
        payment_recheck(actor=world["reviewer"], payment_id=world["other"].pk)
    assert payment_recheck(actor=world["reviewer"], payment_id=world["own"].pk) == "ignored"
    assert PaymentEvent.objects.filter(payment__in=[world["own"], world["other"]]).count() == 0


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("reviewer", {"recheck_with_gateway"}),
        ("supervisor", {"recheck_with_gateway", "resolve_flags"}),
        ("auditor", set()),
        ("administrator", {"recheck_with_gateway", "resolve_flags"}),
    ],
)
def test_actions_offered_per_role(world: dict[str, Any], role: str, expected: set[str]) -> None:
    assert action_names(client_for(world[role]).get(CHANGELIST)) - {""} == expected


@pytest.mark.parametrize(("role", "status"), [("reviewer", 403), ("supervisor", 403), ("auditor", 200)])
def test_stored_gateway_runs_are_for_national_roles(world: dict[str, Any], role: str, status: int) -> None:
    assert client_for(world[role]).get("/admin/contributions/dailyreconciliation/").status_code == status
