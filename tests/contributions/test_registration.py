"""BPU self-registration: form → emailed code → KPJ, profile, declaration and account.

Every refused input asserts that nothing was created (no participant, user, profile, declaration) and,
for step 1, that no pending registration was stored and nothing was queued or sent. Codes leave through
the notification outbox; these tests run its task as soon as it is enqueued (tests of the outbox path
itself, the code page and new codes: test_registration_codes.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from contributions.kpj import kpj_check_digit_ok
from contributions.models import BpuDeclaration, BpuProfile, PendingBpuRegistration
from contributions.registration import RegistrationError, bpu_registration_confirm
from notifications.models import Outbox
from participants.models import Branch, Participant, User
from participants.nik import nik_index
from tests.contributions.conftest import NOW
from tests.factories import BranchFactory, ParticipantFactory, make_nik
from tests.notifications.helpers import deliver_when_enqueued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

BORN = dt.date(1991, 4, 23)
PASSWORD = "Sandi-Mandiri-2026!"
REGISTER = "/daftar/bpu/"
CODE = "/daftar/bpu/kode/"


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _outbox_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    deliver_when_enqueued(monkeypatch, "bpu_registration")


@pytest.fixture
def branch(db: None) -> Branch:
    return BranchFactory.create(code="SBY01", name="Surabaya Rungkut")


@pytest.fixture
def nik() -> str:
    return make_nik(birth_date=BORN, sex="P", region="357801", serial=77)


def form_data(nik_value: str, branch: Branch, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nik": nik_value,
        "full_name": "Siti Rahayu",
        "birth_date": "23-04-1991",
        "sex": "P",
        "address": "Jl. Rungkut Madya 12, Surabaya",
        "phone": "0812-3456-7890",
        "email": "Siti@Contoh.id",
        "work_type": "trader",
        "declared_income_idr": "3.500.000",
        "with_jkk": "on",
        "with_jkm": "on",
        "with_jht": "on",
        "branch": str(branch.pk),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def code_from_outbox(index: int = -1) -> str:
    match = re.search(r"^\s+(\d{6})\s*$", mail.outbox[index].body, re.MULTILINE)
    assert match is not None, mail.outbox[index].body
    return match.group(1)


def code_data(code: str, /, **overrides: str) -> dict[str, str]:
    return {"code": code, "password1": PASSWORD, "password2": PASSWORD, **overrides}


def nothing_created() -> None:
    assert Participant.objects.count() == 0
    assert User.objects.count() == 0
    assert BpuProfile.objects.count() == 0
    assert BpuDeclaration.objects.count() == 0


# --- Happy path ------------------------------------------------------------------------------------


def test_register_confirm_and_land_on_bayar_iuran(client: Client, nik: str, branch: Branch) -> None:
    page = client.get(REGISTER)
    assert page.status_code == 200
    assert "Daftar sebagai peserta BPU" in page.content.decode()

    response = client.post(REGISTER, form_data(nik, branch))
    assert response.status_code == 302
    assert response["Location"] == CODE
    nothing_created()  # only the pending registration exists before the code
    pending = PendingBpuRegistration.objects.get()
    assert pending.nik_index == nik_index(nik)
    assert nik.encode() not in bytes(pending.nik_encrypted)
    assert pending.email == "siti@contoh.id"
    assert pending.phone == "081234567890"
    assert pending.declared_income_idr == 3_500_000
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["siti@contoh.id"]
    assert nik not in mail.outbox[0].body

    response = client.post(CODE, code_data(code_from_outbox()))
    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contributions:pay", kwargs={"public_id": participant.public_id})
    assert participant.category == "BPU"
    assert participant.status == "aktif"
    assert participant.nik == nik
    assert participant.full_name == "Siti Rahayu"
    assert participant.birth_date == BORN
    assert participant.sex == "P"
    assert participant.branch == branch
    assert participant.registered_on == NOW.date()
    assert participant.phone == "081234567890"
    assert re.fullmatch(r"[1-9][0-9]{10}", participant.kpj)
    assert kpj_check_digit_ok(participant.kpj)
    profile = participant.bpu_profile
    assert (profile.declared_income_idr, profile.with_jht, profile.work_type) == (3_500_000, True, "trader")
    assert profile.effective_from == dt.date(2026, 3, 1)
    declaration = BpuDeclaration.objects.get()
    assert (
        declaration.effective_from,
        declaration.declared_income_idr,
        declaration.with_jht,
        declaration.source,
    ) == (
        dt.date(2026, 3, 1),
        3_500_000,
        True,
        "registration",
    )
    user = User.objects.get()
    assert participant.user == user
    assert user.email == "siti@contoh.id"
    assert user.check_password(PASSWORD)
    # Logged in: the bayar iuran page shows the first bill (JKK 35.000 + JKM 6.800 + JHT 70.000).
    pay = client.get(response["Location"])
    assert pay.status_code == 200
    body = pay.content.decode()
    assert participant.kpj in body
    assert "Rp111.800" in body
    assert PendingBpuRegistration.objects.get().used_at is not None


def test_without_jht_bills_jkk_and_jkm_only(client: Client, nik: str, branch: Branch) -> None:
    client.post(REGISTER, form_data(nik, branch, with_jht=None, declared_income_idr="1000000"))
    response = client.post(CODE, code_data(code_from_outbox()), follow=True)
    assert BpuProfile.objects.get().with_jht is False
    assert '<strong class="bill-total">Rp16.800</strong>' in response.content.decode()


def test_the_code_cannot_be_used_twice(client: Client, nik: str, branch: Branch) -> None:
    client.post(REGISTER, form_data(nik, branch))
    pending = PendingBpuRegistration.objects.get()
    code = code_from_outbox()
    bpu_registration_confirm(registration_id=pending.pk, code=code, password=PASSWORD)

    with pytest.raises(RegistrationError) as caught:
        bpu_registration_confirm(registration_id=pending.pk, code=code, password=PASSWORD)
    assert caught.value.reason == "void"
    assert Participant.objects.count() == 1


# --- Wrong input at step 1: nothing stored, nothing sent ----------------------------------------------


def _refused(client: Client, data: dict[str, Any], message: str) -> None:
    response = client.post(REGISTER, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PendingBpuRegistration.objects.count() == 0
    assert Outbox.objects.count() == 0
    assert mail.outbox == []
    nothing_created()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nik": "12345"}, "NIK harus 16 digit angka."),
        ({"nik": "35780163049100AB"}, "NIK harus 16 digit angka."),
        # a valid shape whose embedded date is 31 February
        ({"nik": "3578017102910077"}, "NIK tidak valid."),
        # serial 0000
        ({"nik": "3578016304910000"}, "NIK tidak valid."),
        # province code below 11
        ({"nik": "0578016304910077"}, "NIK tidak valid."),
        # the NIK says a man (day 23, not 63)
        ({"nik": "3578012304910077"}, "tidak sesuai dengan NIK"),
        ({"birth_date": "24-04-1991"}, "tidak sesuai dengan NIK"),
        ({"sex": "L"}, "tidak sesuai dengan NIK"),
        ({"birth_date": "31-02-1991"}, "Tulis tanggal lahir seperti 17-05-1990."),
        ({"birth_date": "kemarin"}, "Tulis tanggal lahir seperti 17-05-1990."),
        ({"birth_date": "01-01-2030"}, "Tanggal lahir tidak boleh di masa depan."),
        ({"declared_income_idr": "999999"}, "Penghasilan paling sedikit Rp1.000.000."),
        ({"declared_income_idr": "20700001"}, "Penghasilan paling banyak Rp20.700.000."),
        ({"declared_income_idr": "1000000.5"}, "Tulis rupiah utuh tanpa koma atau sen"),
        ({"declared_income_idr": "3.500.000,50"}, "Tulis rupiah utuh tanpa koma atau sen"),
        ({"declared_income_idr": "3500000.00"}, "Tulis rupiah utuh tanpa koma atau sen"),
        ({"declared_income_idr": "tiga juta"}, "Tulis rupiah utuh tanpa koma atau sen"),
        ({"declared_income_idr": ""}, "Wajib diisi."),
        ({"with_jkk": None}, "JKK dan JKM wajib diikuti."),
        ({"with_jkm": None}, "JKK dan JKM wajib diikuti."),
        ({"work_type": "astronaut"}, "Pilih jenis pekerjaan dari daftar."),
        ({"phone": "12345"}, "Tulis nomor HP Indonesia"),
        ({"email": "bukan-email"}, "Masukkan alamat email yang valid."),
        ({"full_name": "Siti 123"}, "Tulis nama lengkap sesuai KTP, tanpa angka."),
        ({"branch": "999999"}, "Pilih kantor cabang dari daftar."),
        ({"address": ""}, "Bidang ini tidak boleh kosong."),
    ],
)
def test_wrong_input_creates_and_sends_nothing(
    client: Client, nik: str, branch: Branch, overrides: dict[str, Any], message: str
) -> None:
    _refused(client, form_data(nik, branch, **overrides), message)


def test_underage_is_refused(client: Client, branch: Branch) -> None:
    born = dt.date(2008, 3, 11)  # 17 on 2026-03-10
    young = make_nik(birth_date=born, sex="L", serial=9)
    _refused(
        client,
        form_data(young, branch, birth_date="11-03-2008", sex="L"),
        "Pendaftaran peserta BPU untuk usia 18 tahun ke atas.",
    )


def test_eighteen_today_is_accepted(client: Client, branch: Branch) -> None:
    born = dt.date(2008, 3, 10)
    nik = make_nik(birth_date=born, sex="L", serial=10)
    assert client.post(REGISTER, form_data(nik, branch, birth_date="10-03-2008", sex="L")).status_code == 302


def test_income_outside_the_rate_table_limits_is_refused_by_the_service(nik: str, branch: Branch) -> None:
    from contributions.registration import RegistrationInvalid, bpu_registration_start

    for income in (999_999, 20_700_001):
        with pytest.raises(
            RegistrationInvalid, match=re.escape("Penghasilan harus antara Rp1.000.000 dan Rp20.700.000")
        ):
            bpu_registration_start(
                nik=nik,
                full_name="Siti Rahayu",
                birth_date=BORN,
                sex="P",
                address="Surabaya",
                phone="081234567890",
                email="siti@contoh.id",
                work_type="trader",
                declared_income_idr=income,
                with_jht=True,
                branch=branch,
            )
    assert PendingBpuRegistration.objects.count() == 0
    assert Outbox.objects.count() == 0
    assert mail.outbox == []


def test_code_sending_is_rate_limited_per_nik(
    client: Client, nik: str, branch: Branch, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_KPJ = 2
    for n in range(2):
        assert client.post(REGISTER, form_data(nik, branch, email=f"s{n}@contoh.id")).status_code == 302
    response = client.post(REGISTER, form_data(nik, branch, email="s9@contoh.id"))
    assert response.status_code == 400
    assert "Terlalu banyak permintaan kode" in response.content.decode()
    assert len(mail.outbox) == 2
    assert PendingBpuRegistration.objects.count() == 2


def test_a_strangers_attempts_on_a_nik_do_not_use_up_the_owners_quota(
    client: Client, nik: str, branch: Branch, settings: Any
) -> None:
    settings.ACTIVATION_RATE_PER_KPJ = 2
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for n in range(3):
        stranger.post(REGISTER, form_data(nik, branch, email=f"x{n}@contoh.id"))
    refused = stranger.post(REGISTER, form_data(nik, branch, email="x9@contoh.id"))
    assert "Terlalu banyak permintaan kode" in refused.content.decode()
    assert len(mail.outbox) == 2
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert owner.post(REGISTER, form_data(nik, branch, email="pemilik@contoh.id")).status_code == 302
    assert len(mail.outbox) == 3
    assert mail.outbox[-1].to == ["pemilik@contoh.id"]


def test_code_sending_is_rate_limited_per_ip(client: Client, branch: Branch, settings: Any) -> None:
    settings.ACTIVATION_RATE_PER_IP = 3
    for serial in range(3):
        other = make_nik(birth_date=BORN, sex="P", serial=200 + serial)
        assert (
            client.post(REGISTER, form_data(other, branch, email=f"ip{serial}@contoh.id")).status_code == 302
        )
    other = make_nik(birth_date=BORN, sex="P", serial=299)
    assert client.post(REGISTER, form_data(other, branch, email="ip9@contoh.id")).status_code == 400
    assert len(mail.outbox) == 3


def test_a_new_request_voids_the_previous_code(client: Client, nik: str, branch: Branch) -> None:
    client.post(REGISTER, form_data(nik, branch))
    first = code_from_outbox()
    first_pending = PendingBpuRegistration.objects.get()
    client.post(REGISTER, form_data(nik, branch))

    with pytest.raises(RegistrationError) as caught:
        bpu_registration_confirm(registration_id=first_pending.pk, code=first, password=PASSWORD)
    assert caught.value.reason == "void"
    nothing_created()


# --- Wrong input at step 2 ------------------------------------------------------------------------------


def test_wrong_code_then_right_code(client: Client, nik: str, branch: Branch) -> None:
    client.post(REGISTER, form_data(nik, branch))
    code = code_from_outbox()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post(CODE, code_data(wrong))
    assert response.status_code == 400
    assert "Kode salah" in response.content.decode()
    nothing_created()
    assert PendingBpuRegistration.objects.get().attempts == 1
    assert client.post(CODE, code_data(code)).status_code == 302
    assert Participant.objects.count() == 1


def test_too_many_wrong_codes_void_the_registration(client: Client, nik: str, branch: Branch) -> None:
    client.post(REGISTER, form_data(nik, branch))
    code = code_from_outbox()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        assert client.post(CODE, code_data(wrong)).status_code == 400
    response = client.post(CODE, code_data(wrong))
    assert response.status_code == 302
    assert response["Location"] == REGISTER
    pending = PendingBpuRegistration.objects.get()
    assert pending.attempts == 5
    assert pending.voided_at is not None
    # Even the right code no longer works, and the session no longer knows the registration.
    assert client.post(CODE, code_data(code))["Location"] == REGISTER
    with pytest.raises(RegistrationError, match="void"):
        bpu_registration_confirm(registration_id=pending.pk, code=code, password=PASSWORD)
    nothing_created()


def test_expired_code(client: Client, nik: str, branch: Branch, frozen: Any) -> None:
    client.post(REGISTER, form_data(nik, branch))
    code = code_from_outbox()
    frozen.shift(dt.timedelta(minutes=10, seconds=1))
    response = client.post(CODE, code_data(code), follow=True)
    assert "Kode sudah kedaluwarsa" in response.content.decode()
    assert PendingBpuRegistration.objects.get().voided_at is not None
    nothing_created()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "12ab56"}, "Kode terdiri dari 6 angka."),
        ({"password2": "Lain-Sandi-2026!"}, "Kedua kata sandi tidak sama."),
        ({"password1": "12345678901", "password2": "12345678901"}, "seluruhnya terdiri dari angka"),
    ],
)
def test_bad_code_form_creates_nothing(
    client: Client, nik: str, branch: Branch, overrides: dict[str, str], message: str
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    data = {**code_data(code_from_outbox()), **overrides}
    response = client.post(CODE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PendingBpuRegistration.objects.get().attempts == 0
    nothing_created()


def test_every_error_of_the_code_form_at_once_with_a_summary(
    client: Client, nik: str, branch: Branch
) -> None:
    """A malformed code, a password of digits only and a mismatched repeat: three messages in one answer,
    listed in the summary at the top with links to the fields (it used to show only the mismatch)."""
    client.post(REGISTER, form_data(nik, branch))
    data = {"code": "12ab56", "password1": "12345678901", "password2": "12345678902"}
    body = client.post(CODE, data).content.decode()
    summary = body.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "Kode terdiri dari 6 angka." in summary
    assert "seluruhnya terdiri dari angka" in summary
    assert "Kedua kata sandi tidak sama." in summary
    assert set(re.findall(r'<a href="#(id_[a-z0-9_]+)">', summary)) == {
        "id_code",
        "id_password1",
        "id_password2",
    }
    nothing_created()


def test_wrong_code_and_bad_passwords_are_reported_together(client: Client, nik: str, branch: Branch) -> None:
    """It used to say only "Kedua kata sandi tidak sama"; the wrong code came on the next try."""
    client.post(REGISTER, form_data(nik, branch))
    code = code_from_outbox()
    wrong = "000000" if code != "000000" else "111111"
    data = {"code": wrong, "password1": "pendek", "password2": "lain"}
    body = client.post(CODE, data).content.decode()
    summary = body.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    assert "Kode salah. Periksa email atau SMS Anda lalu coba lagi." in summary
    assert "Kedua kata sandi tidak sama." in summary
    assert PendingBpuRegistration.objects.get().attempts == 1  # the wrong code counts, as always
    nothing_created()


def test_code_page_without_a_registration_goes_back_to_the_form(client: Client) -> None:
    assert client.get(CODE)["Location"] == REGISTER
    assert client.post(CODE, code_data("123456"))["Location"] == REGISTER


# --- Existing people -----------------------------------------------------------------------------------


def _visible(html: str) -> str:
    """A page without what differs per request anyway (the CSRF token, the CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"x-csrftoken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_nik_with_a_kpj_looks_like_a_new_registration_and_the_owner_is_told(nik: str, branch: Branch) -> None:
    """The membership oracle: whoever types a NIK learns nothing about it (issue 16, item 8)."""
    existing = ParticipantFactory.create(
        nik=nik, birth_date=BORN, sex="P", user=None, email="pemilik@contoh.id", phone="081299990000"
    )
    new_nik = make_nik(birth_date=BORN, sex="P", region="357801", serial=78)
    known, unknown = Client(), Client()
    first = known.post(REGISTER, form_data(nik, branch))
    second = unknown.post(REGISTER, form_data(new_nik, branch))
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"]) == (302, CODE)
    assert _visible(known.get(CODE).content.decode()) == _visible(unknown.get(CODE).content.decode())
    # Only the new NIK's typed address got a code; the known NIK's owner got the notice at the record.
    codes = [m for m in mail.outbox if re.search(r"^\s+\d{6}\s*$", m.body, re.MULTILINE)]
    assert [m.to for m in codes] == [["siti@contoh.id"]]
    notice = Outbox.objects.filter(event="bpu_registration_existing")
    assert sorted(notice.values_list("channel", "recipient")) == [
        ("email", "pemilik@contoh.id"),
        ("sms", "6281299990000"),
    ]
    assert existing.kpj in notice.get(channel="email").body
    assert "siti@contoh.id" not in list(notice.values_list("recipient", flat=True))
    # No code can complete the known NIK's registration; it answers exactly like a wrong code.
    real = codes[0].body
    guess = "000000" if "000000" not in real else "111111"
    answer_known, answer_unknown = known.post(CODE, code_data(guess)), unknown.post(CODE, code_data(guess))
    assert answer_known.status_code == answer_unknown.status_code == 400
    assert "Kode salah" in answer_known.content.decode()
    assert _visible(answer_known.content.decode()) == _visible(answer_unknown.content.decode())
    assert list(Participant.objects.all()) == [existing]
    assert User.objects.count() == 0
    assert BpuProfile.objects.count() == 0


def test_nik_registered_between_the_steps_answers_like_a_spent_code(
    client: Client, nik: str, branch: Branch
) -> None:
    client.post(REGISTER, form_data(nik, branch))
    code = code_from_outbox()
    existing = ParticipantFactory.create(
        nik=nik, birth_date=BORN, sex="P", user=None, email="pemilik@contoh.id"
    )
    response = client.post(CODE, code_data(code), follow=True)
    assert response.redirect_chain[-1][0] == REGISTER
    html = response.content.decode()
    assert "Kode sudah tidak berlaku" in html
    assert "sudah terdaftar" not in html
    assert list(Participant.objects.all()) == [existing]
    assert User.objects.count() == 0
    assert (
        Outbox.objects.filter(event="bpu_registration_existing", recipient="pemilik@contoh.id").count() == 1
    )


def test_email_of_an_existing_account_gets_a_notice_and_can_never_complete(
    client: Client, nik: str, branch: Branch
) -> None:
    User.objects.create_user(email="siti@contoh.id", password="x-Sandi-Lama-2026")
    response = client.post(REGISTER, form_data(nik, branch))
    assert response["Location"] == CODE  # the visitor sees the same next step
    assert len(mail.outbox) == 1
    assert re.search(r"^\s+\d{6}\s*$", mail.outbox[0].body, re.MULTILINE) is None
    assert "sudah dipakai oleh sebuah akun" in mail.outbox[0].body
    for guess in ("000000", "123456"):
        assert client.post(CODE, code_data(guess)).status_code in (302, 400)
    assert Participant.objects.count() == 0
    assert User.objects.count() == 1


def test_logged_in_people_do_not_see_the_form(owner_client: Client) -> None:
    assert owner_client.get(REGISTER).status_code == 302


def test_home_page_links_to_registration(client: Client) -> None:
    body = client.get("/").content.decode()
    assert 'href="/daftar/bpu/"' in body
    assert "belum tersedia" not in body


def test_the_nik_never_appears_in_urls_or_logs(
    client: Client, nik: str, branch: Branch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"):
        first = client.post(REGISTER, form_data(nik, branch))
        second = client.post(CODE, code_data(code_from_outbox()))
    assert nik not in first["Location"] + second["Location"]
    assert nik not in caplog.text


def test_expired_pending_registrations_are_purged(
    nik: str, branch: Branch, frozen: Any, client: Client
) -> None:
    from contributions.registration import pending_registration_purge

    client.post(REGISTER, form_data(nik, branch))
    assert pending_registration_purge() == 0
    frozen.shift(dt.timedelta(days=1, minutes=11))
    assert pending_registration_purge() == 1
    assert PendingBpuRegistration.objects.count() == 0


def test_purge_task_is_scheduled_and_runs(nik: str, branch: Branch, frozen: Any, client: Client) -> None:
    from django.conf import settings

    from contributions.tasks import purge_pending_registrations

    schedule = settings.CELERY_BEAT_SCHEDULE["bpu-purge-pending-registrations"]
    assert schedule["task"] == "contributions.tasks.purge_pending_registrations"
    client.post(REGISTER, form_data(nik, branch))
    frozen.shift(dt.timedelta(days=2))
    assert purge_pending_registrations.apply().get() == 1
    assert PendingBpuRegistration.objects.count() == 0


def test_query_budget_of_the_form(client: Client, branch: Branch, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(2):  # the branch list (and at most the session)
        assert client.get(REGISTER).status_code == 200
