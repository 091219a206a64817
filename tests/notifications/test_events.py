"""Events from the other apps reach the outbox: payments, membership, claims, account security."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from claims.models import ClaimStatus as S
from claims.transitions import TRANSITIONS, Role, claim_transition
from contributions.models import PaymentStatus
from contributions.notices import due_reminders_fan_out
from contributions.services import membership_deactivate_unpaid, payment_apply_status, payment_create
from notifications.models import NotificationPreference, Outbox
from notifications.services import outbox_deliver_queued
from participants.models import MembershipStatus
from tests.claims.factories import claim_in, staff
from tests.contributions.factories import bpu_participant
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _no_claim_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims import tasks

    monkeypatch.setattr(tasks.verify_claim, "delay_on_commit", lambda pk: None)
    monkeypatch.setattr(tasks.pay_claim, "delay_on_commit", lambda pk: None)


@pytest.fixture
def _payments(settings: Any) -> None:
    settings.PAYMENT_GATEWAY = "fake"
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-test-key-123"


ALLOWED = [(f, t, r) for f, moves in TRANSITIONS.items() for t, roles in moves.items() for r in sorted(roles)]


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "role"), ALLOWED)
def test_every_claim_transition_notifies_the_claimant(from_status: str, to_status: str, role: str) -> None:
    claim = claim_in(from_status)
    actor = {Role.CLAIMANT: claim.user, Role.STAFF: staff(), Role.SYSTEM: None}[Role(role)]
    updates = {"first_approved_by": staff()} if to_status == S.APPROVED else {}
    claim_transition(claim_id=claim.pk, to=to_status, actor=actor, updates=updates)
    rows = list(Outbox.objects.filter(event="claim_status"))
    assert [(r.channel, r.recipient) for r in rows] == [("email", claim.participant.email.lower())]
    assert str(S(to_status).label) in rows[0].subject


@pytest.mark.django_db
def test_a_claim_returning_to_a_status_notifies_again() -> None:
    claim = claim_in(S.IN_REVIEW)
    reviewer = staff()
    claim_transition(claim_id=claim.pk, to=S.REVISION_REQUESTED, actor=reviewer)
    claim_transition(claim_id=claim.pk, to=S.RESUBMITTED, actor=claim.user)
    claim_transition(claim_id=claim.pk, to=S.IN_REVIEW, actor=None)
    claim_transition(claim_id=claim.pk, to=S.REVISION_REQUESTED, actor=reviewer)
    assert Outbox.objects.filter(event="claim_status").count() == 4


@pytest.mark.django_db
def test_refused_claim_move_notifies_nobody() -> None:
    from claims.transitions import IllegalTransition

    claim = claim_in(S.DRAFT)
    with pytest.raises(IllegalTransition):
        claim_transition(claim_id=claim.pk, to=S.PAID, actor=None)
    assert Outbox.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("_payments")
def test_payment_expired_and_received() -> None:
    from contributions import tasks
    from contributions.gateway.fake import FakeGateway  # noqa: F401 - the fake gateway's charges
    from contributions.models import FakeCharge

    participant = bpu_participant()
    payment = payment_create(
        user=participant.user, participant_public_id=participant.public_id, months=1, channel="bca_va"
    )
    assert (
        payment_apply_status(payment_id=payment.pk, to_status=PaymentStatus.EXPIRE, source="t") == "applied"
    )
    expired = Outbox.objects.get(event="payment_expired")
    assert f"/payments/kpj/{participant.public_id}/bayar/" in expired.body
    # late money: credited, and the "received" notice links to the receipt
    FakeCharge.objects.filter(order_id=payment.order_id).update(transaction_status="settlement")
    payment_apply_status(payment_id=payment.pk, to_status=PaymentStatus.SETTLEMENT, source="t")
    tasks.send_payment_receipt(payment.pk)
    received = Outbox.objects.get(event="payment_received")
    assert f"https://portal.test/payments/{payment.public_id}/bukti/" in received.body
    assert received.recipient == participant.email.lower()


@pytest.mark.django_db
def test_nonaktif_notifies_once() -> None:
    person = bpu_participant(registered_on=dt.date(2025, 1, 1), protected_until=dt.date(2025, 12, 31))
    assert membership_deactivate_unpaid(today=dt.date(2026, 3, 16)) == 1
    assert membership_deactivate_unpaid(today=dt.date(2026, 3, 16)) == 0
    person.refresh_from_db()
    assert person.status == MembershipStatus.NONAKTIF
    row = Outbox.objects.get(event="membership_nonaktif")
    assert "16 Maret 2026" in row.body


@pytest.mark.django_db
def test_due_reminder_fan_out_respects_preferences_and_runs_once() -> None:
    march = dt.date(2026, 3, 1)
    email_only = bpu_participant(protected_until=dt.date(2026, 2, 28))
    both = bpu_participant(protected_until=None, phone="081311112222")
    NotificationPreference.objects.create(user=both.user, category="payments", email=True, sms=True)
    sms_only = bpu_participant(protected_until=None, phone="081311113333")
    NotificationPreference.objects.create(user=sms_only.user, category="payments", email=False, sms=True)
    bpu_participant(protected_until=dt.date(2026, 3, 31))  # paid
    with time_machine.travel(dt.datetime(2026, 3, 12, 1, 0, tzinfo=dt.UTC)):
        assert due_reminders_fan_out(period=march) == 4
        assert outbox_deliver_queued() == 4
        assert due_reminders_fan_out(period=march) == 0
    rows = sorted(Outbox.objects.values_list("participant_id", "channel"))
    assert rows == sorted(
        [(email_only.pk, "email"), (both.pk, "email"), (both.pk, "sms"), (sms_only.pk, "sms")]
    )
    sms = Outbox.objects.get(participant=sms_only)
    assert (
        sms.body
        == f"BPJSTK: Iuran 03/2026 KPJ {sms_only.kpj} jatuh tempo 15-03-2026. Bayar agar tetap terlindungi."
    )


@pytest.mark.django_db
def test_new_login_notifies_once_per_browser() -> None:
    user = UserFactory()
    user.set_password("Rahasia-Sekali-123")
    user.save()
    for agent in ("Firefox/1", "Firefox/1", "Chrome/2"):
        client = Client(headers={"User-Agent": agent})
        response = client.post("/akun/login/", {"login": user.email, "password": "Rahasia-Sekali-123"})
        assert response.status_code == 302
    rows = list(Outbox.objects.filter(event="security_new_login").order_by("pk"))
    assert len(rows) == 2
    assert "Firefox/1" in rows[0].body
    assert "Chrome/2" in rows[1].body


@pytest.mark.django_db
def test_password_change_notifies() -> None:
    user = UserFactory()
    user.set_password("Rahasia-Sekali-123")
    user.save()
    client = Client()
    client.force_login(user)
    response = client.post(
        "/akun/password/change/",
        {
            "oldpassword": "Rahasia-Sekali-123",
            "password1": "Baru-Sekali-4567",
            "password2": "Baru-Sekali-4567",
        },
    )
    assert response.status_code == 302
    assert list(
        Outbox.objects.filter(event="security_password_changed").values_list("recipient", flat=True)
    ) == [user.email]


@pytest.mark.django_db
def test_email_change_notifies_old_and_new_address() -> None:
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_changed

    user: Any = UserFactory(email="lama@contoh.id")
    old = EmailAddress.objects.create(user=user, email="lama@contoh.id", verified=True, primary=True)
    new = EmailAddress.objects.create(user=user, email="baru@contoh.id", verified=True, primary=False)
    user.email = "baru@contoh.id"
    user.save()
    email_changed.send(
        sender=type(user), request=None, user=user, from_email_address=old, to_email_address=new
    )
    assert sorted(
        Outbox.objects.filter(event="security_email_changed").values_list("recipient", flat=True)
    ) == [
        "baru@contoh.id",
        "lama@contoh.id",
    ]


@pytest.mark.django_db
def test_statement_ready_notifies_the_requester() -> None:
    from participants import notices as events
    from participants.statements.models import Statement
    from tests.factories import ParticipantFactory

    user = UserFactory()
    participant = ParticipantFactory(user=user)
    statement = Statement.objects.create(
        participant=participant, year=2025, document_number="RSJHT-TEST-1", requested_by=user
    )
    assert len(events.statement_ready(statement=statement)) == 1
    assert events.statement_ready(statement=statement) == [Outbox.objects.get().pk]  # same row, still queued
    row = Outbox.objects.get()
    assert (row.event, row.recipient) == ("statement_ready", participant.email.lower())
    assert "Rincian saldo JHT tahun 2025" in row.body
