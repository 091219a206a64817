""" "Bukan saya" (issue 16, item 4): the signed link, GET changes nothing, POST freezes (no login), a
tampered or expired token changes nothing, branch staff unfreeze with a reason within their scope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.models import RecoveryCase, SecurityEvent
from accounts.security_events import (
    RecoveryError,
    account_frozen,
    not_me_token,
    recovery_case_unfreeze,
    security_event_for_token,
    security_event_record,
)
from notifications.models import Outbox
from participants.models import Participant
from tests.factories import TEST_PASSWORD, BranchFactory, ParticipantFactory, StaffFactory, UserFactory
from tests.staff_login import staff_login

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def person() -> Participant:
    user = UserFactory(email="pemilik@contoh.id")
    user.emailaddress_set.create(email="pemilik@contoh.id", verified=True, primary=True)
    branch = BranchFactory(code="BDG01", name="Bandung Suci", address="Jl. P.H.H. Mustofa 39")
    return ParticipantFactory.create(user=user, branch=branch, email="rekam@contoh.id", phone="081299998888")


def _event(person: Participant) -> SecurityEvent:
    return security_event_record(kind="contact_change", participant=person, user=person.user)


def _link(event: SecurityEvent) -> str:
    return reverse("accounts:not_me", args=[not_me_token(event)])


def _event_linked_in(body: str) -> SecurityEvent:
    """The event named by the "Bukan saya" link in a message body (the token carries its own time)."""
    match = re.search(r"https?://[^\s]+/akun/bukan-saya/([^/\s]+)/", body)
    assert match is not None, body
    return security_event_for_token(match.group(1))


def _login(client: Client, login: str) -> Any:
    return client.post(reverse("account_login"), {"login": login, "password": TEST_PASSWORD})


def test_event_notice_goes_to_every_contact_on_record_with_a_link(person: Participant) -> None:
    event = _event(person)
    rows = Outbox.objects.filter(event="security_event", event_key=f"security_event:{event.public_id}")
    assert sorted(rows.values_list("channel", "recipient")) == [
        ("email", "pemilik@contoh.id"),
        ("email", "rekam@contoh.id"),
        ("sms", "6281299998888"),
    ]
    for row in rows:
        assert _event_linked_in(row.body).pk == event.pk
        assert person.nik not in row.body
    assert person.nik not in _link(event)


def test_get_shows_the_event_and_changes_nothing(person: Participant) -> None:
    event = _event(person)
    response = Client().get(_link(event))
    assert response.status_code == 200
    assert 'id="not-me-form"' in response.content.decode()
    event.refresh_from_db()
    assert event.disowned_at is None
    assert RecoveryCase.objects.count() == 0
    assert account_frozen(user=person.user) is False


def test_post_freezes_ends_sessions_and_login_is_refused_with_the_branch(person: Participant) -> None:
    event = _event(person)
    signed_in = Client()
    assert _login(signed_in, "pemilik@contoh.id").status_code == 302
    assert UserSession.objects.filter(user=person.user).count() == 1

    response = Client().post(_link(event))
    assert response.status_code == 200
    assert "Bandung Suci" in response.content.decode()
    case = RecoveryCase.objects.get()
    assert (case.status, case.participant_id, case.user_id, case.branch_id, case.event_id) == (
        "open",
        person.pk,
        person.user_id,
        person.branch_id,
        event.pk,
    )
    event.refresh_from_db()
    assert event.disowned_at is not None
    assert account_frozen(user=person.user) is True
    assert account_frozen(nik_index=person.nik_index) is True
    # Every session ended; the signed-in browser is signed out.
    assert UserSession.objects.filter(user=person.user).count() == 0
    assert Session.objects.count() == 0
    assert signed_in.get("/peserta/").status_code == 302
    # The contacts on record are told how to recover.
    frozen_notices = Outbox.objects.filter(event="account_frozen")
    assert sorted(frozen_notices.values_list("recipient", flat=True)) == [
        "6281299998888",
        "pemilik@contoh.id",
        "rekam@contoh.id",
    ]

    # Login with the right password, by email and by KPJ, is refused with the branch's instructions.
    for login in ("pemilik@contoh.id", person.kpj):
        client = Client()
        refused = _login(client, login)
        assert refused.status_code == 403
        html = refused.content.decode()
        assert "Akun ini sedang dibekukan" in html
        assert "Bandung Suci (Jl. P.H.H. Mustofa 39)" in html
        assert "_auth_user_id" not in client.session


def test_a_second_click_opens_no_second_case(person: Participant) -> None:
    event = _event(person)
    Client().post(_link(event))
    Client().post(_link(event))
    assert RecoveryCase.objects.count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_changes_nothing(person: Participant, method: str) -> None:
    event = _event(person)
    token = not_me_token(event)
    forged = signing.dumps(event.public_id.hex, salt="another-salt")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "x"):
        response = getattr(Client(), method)(reverse("accounts:not_me", args=[bad]))
        assert response.status_code == 400
        assert "Tautan ini tidak dikenal" in response.content.decode()
    event.refresh_from_db()
    assert event.disowned_at is None
    assert RecoveryCase.objects.count() == 0


def test_expired_token_changes_nothing(person: Participant, settings: Any) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        event = _event(person)
        link = _link(event)
        traveller.shift(dt.timedelta(seconds=settings.SECURITY_NOT_ME_MAX_AGE + 1))
        response = Client().post(link)
    assert response.status_code == 400
    assert "kedaluwarsa" in response.content.decode()
    assert RecoveryCase.objects.count() == 0
    assert account_frozen(user=person.user) is False


def _reviewer(branch: Any) -> Any:
    user = StaffFactory(branch=branch)
    user.groups.add(Group.objects.get(name="reviewer"))
    return user


def test_staff_of_the_branch_unfreeze_with_a_reason_once(person: Participant) -> None:
    Client().post(_link(_event(person)))
    case = RecoveryCase.objects.get()
    same = _reviewer(person.branch)
    other = _reviewer(BranchFactory())
    with pytest.raises(RecoveryError) as refused:
        recovery_case_unfreeze(actor=other, case_id=case.public_id, reason="KTP diperiksa")
    assert refused.value.reason == "other_branch"
    with pytest.raises(RecoveryError) as refused:
        recovery_case_unfreeze(actor=same, case_id=case.public_id, reason="   ")
    assert refused.value.reason == "reason_missing"
    with pytest.raises(RecoveryError) as refused:
        recovery_case_unfreeze(actor=person.user, case_id=case.public_id, reason="saya sendiri")
    assert refused.value.reason == "not_staff"
    case.refresh_from_db()
    assert case.status == "open"

    recovery_case_unfreeze(actor=same, case_id=case.public_id, reason="KTP asli diperiksa di loket")
    case.refresh_from_db()
    assert (case.status, case.closed_by_id, case.close_reason) == (
        "unfrozen",
        same.pk,
        "KTP asli diperiksa di loket",
    )
    assert account_frozen(user=person.user) is False
    with pytest.raises(RecoveryError) as refused:
        recovery_case_unfreeze(actor=same, case_id=case.public_id, reason="lagi")
    assert refused.value.reason == "closed"
    assert _login(Client(), "pemilik@contoh.id").status_code == 302


def test_admin_queue_is_scoped_to_the_branch_and_unfreezes(person: Participant) -> None:
    Client().post(_link(_event(person)))
    case = RecoveryCase.objects.get()
    same = staff_login(Client(), _reviewer(person.branch))
    other = staff_login(Client(), _reviewer(BranchFactory()))
    changelist = reverse("admin:accounts_recoverycase_changelist")
    assert person.kpj in same.get(changelist).content.decode()
    assert person.kpj not in other.get(changelist).content.decode()
    url = reverse("admin:accounts_recoverycase_unfreeze", args=[case.pk])
    assert other.post(url, {"reason": "coba"}).status_code == 404
    case.refresh_from_db()
    assert case.status == "open"
    assert same.get(url).status_code == 200
    assert same.post(url, {"reason": "Identitas diperiksa"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "unfrozen"


def test_new_browser_login_notice_carries_the_link_once_per_browser(person: Participant) -> None:
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Chrome/131"}
    for _ in range(2):
        client = Client(**browser)
        assert _login(client, "pemilik@contoh.id").status_code == 302
    event = SecurityEvent.objects.get(kind="new_browser_login")
    row = Outbox.objects.get(event="security_new_login", channel="email")
    assert _event_linked_in(row.body).pk == event.pk
    # The link works like any other: it freezes.
    Client().post(_link(event))
    assert account_frozen(user=person.user) is True


def test_contact_change_by_branch_correction_tells_the_old_contacts(person: Participant) -> None:
    from layanan.corrections import _apply_correction
    from layanan.models import DataCorrectionRequest

    request = DataCorrectionRequest(
        participant=person,
        user=person.user,
        nik_index=person.nik_index,
        field="phone",
        new_value="081377776666",
    )
    _apply_correction(request, actor=_reviewer(person.branch))
    person.refresh_from_db()
    assert (person.phone, person.contact_source) == ("081377776666", "branch")
    event = SecurityEvent.objects.get(kind="contact_change")
    recipients = set(
        Outbox.objects.filter(event_key=f"security_event:{event.public_id}").values_list(
            "recipient", flat=True
        )
    )
    assert {"6281299998888", "6281377776666", "rekam@contoh.id", "pemilik@contoh.id"} == recipients


def test_activation_login_of_a_frozen_person_shows_the_instructions(
    client: Client, nik: str, settings: Any
) -> None:
    """A person frozen before having an account (e.g. after an SMS binding) cannot sign in by activating."""
    from tests.accounts.conftest import code_from_outbox, start_activation

    person = ParticipantFactory(nik=nik, kpj="12345678901", birth_date=dt.date(1990, 5, 17), sex="L")
    event = security_event_record(kind="sms_binding", participant=person)
    Client().post(_link(event))
    start_activation(client, nik)
    response = client.post("/akun/aktivasi/kode/", {"code": code_from_outbox()})
    assert response.status_code == 403
    assert "Akun ini sedang dibekukan" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert re.search(r"kantor cabang", response.content.decode())


def test_login_email_change_through_allauth_tells_the_old_address(person: Participant) -> None:
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_changed

    user = person.user
    old = EmailAddress.objects.get(user=user)
    new = EmailAddress.objects.create(user=user, email="baru@contoh.id", verified=True, primary=False)
    old.delete()  # allauth removes the old address once the new one is primary
    email_changed.send(
        sender=type(user), request=None, user=user, from_email_address=old, to_email_address=new
    )
    event = SecurityEvent.objects.get(kind="contact_change")
    recipients = set(
        Outbox.objects.filter(event_key=f"security_event:{event.public_id}").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"pemilik@contoh.id", "baru@contoh.id", "rekam@contoh.id", "6281299998888"}
