"""Bayar iuran page: bill preview, confirmation, creation (idempotent), refusals that create nothing."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from contributions.models import Payment
from contributions.models import PaymentStatus as S
from participants.models import Category
from tests.contributions.factories import bpu_participant
from tests.factories import ParticipantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
# session, user, participant (+ BPU profile + open payment id), taken months (one UNION), rate table,
# discount programmes. Independent of how many months, payments or declarations the participant has.
PAY_PAGE_QUERIES = 6
PAY_PAGE_BUDGET = 7


def pay_url(participant: Any) -> str:
    return reverse("contributions:pay", kwargs={"public_id": participant.public_id})


def test_page_states_prospective_coverage_and_bills_each_month(
    owner_client: Client, participant: Any
) -> None:
    response = owner_client.get(pay_url(participant), {"months": "3"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bulan-bulan lalu yang tidak dibayar tidak ditagih dan tidak memberi perlindungan." in body
    # income Rp1.000.000 with JHT: 10.000 + 6.800 + 20.000 per month, from March 2026 (today is 10 March)
    for month in ("Maret 2026", "April 2026", "Mei 2026"):
        assert month in body
    assert '<strong class="bill-total">Rp110.400</strong>' in body
    for channel in ("Virtual account BCA", "Mandiri Bill Payment", "QRIS", "GoPay", "ShopeePay", "Alfamart"):
        assert channel in body
    assert "style=" not in body
    assert "<script>" not in body


def test_htmx_month_change_returns_the_bill_fragment(participant: Any, owner: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    response = client.get(pay_url(participant), {"months": "12"})
    body = response.content.decode()
    assert "<html" not in body
    assert body.strip().startswith('<div id="bill"')
    assert "Februari 2027" in body
    assert "Rp441.600" in body
    assert "HX-Request" in response.headers["Vary"]


def test_post_without_confirm_asks_for_confirmation_and_creates_nothing(
    owner_client: Client, participant: Any
) -> None:
    response = owner_client.post(pay_url(participant), {"months": "3", "channel": "bca_va"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Periksa tagihan" in body
    assert "hx-disable-elt=\"find button[type='submit']\"" in body
    assert 'name="confirm"' in body
    assert Payment.objects.count() == 0


def test_confirm_creates_one_payment_and_redirects_to_it(owner_client: Client, participant: Any) -> None:
    response = owner_client.post(pay_url(participant), {"months": "3", "channel": "bca_va", "confirm": "1"})
    payment = Payment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contributions:payment", kwargs={"public_id": payment.public_id})
    assert (payment.months, payment.channel, payment.amount_idr, payment.status) == (
        3,
        "bca_va",
        110_400,
        S.PENDING,
    )


def test_double_submit_creates_one_payment(owner_client: Client, participant: Any) -> None:
    data = {"months": "3", "channel": "bca_va", "confirm": "1"}
    first = owner_client.post(pay_url(participant), data)
    second = owner_client.post(pay_url(participant), data)
    assert Payment.objects.count() == 1
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Masih ada pembayaran yang belum selesai" in second.content.decode()


def test_open_payment_is_shown_instead_of_a_new_form(
    owner_client: Client, payment: Any, participant: Any
) -> None:
    body = owner_client.get(pay_url(participant)).content.decode()
    assert "Masih ada pembayaran yang belum selesai" in body
    assert reverse("contributions:payment", kwargs={"public_id": payment.public_id}) in body
    assert 'name="channel"' not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"months": "2", "channel": "bca_va", "confirm": "1"}, "Pilih 1, 3, 6 atau 12 bulan."),
        ({"months": "3", "channel": "dana", "confirm": "1"}, "Metode pembayaran tidak dikenal."),
        ({"months": "3", "confirm": "1"}, "Pilih metode pembayaran."),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(
    owner_client: Client, participant: Any, data: dict[str, str], message: str
) -> None:
    response = owner_client.post(pay_url(participant), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Payment.objects.count() == 0


def test_income_out_of_range_is_refused(owner_client: Client, owner: Any) -> None:
    participant = bpu_participant(user=owner, income_idr=25_000_000)
    response = owner_client.post(pay_url(participant), {"months": "1", "channel": "qris", "confirm": "1"})
    assert response.status_code == 400
    assert "Penghasilan yang dilaporkan di luar batas yang berlaku." in response.content.decode()
    assert Payment.objects.count() == 0


def test_pu_participant_cannot_pay_bpu(owner_client: Client, owner: Any) -> None:
    pu = ParticipantFactory(user=owner, category=Category.PU)
    page = owner_client.get(pay_url(pu))
    assert "Iuran mandiri hanya untuk peserta Bukan Penerima Upah (BPU)." in page.content.decode()
    assert 'name="channel"' not in page.content.decode()
    response = owner_client.post(pay_url(pu), {"months": "1", "channel": "bca_va", "confirm": "1"})
    assert response.status_code == 400
    assert Payment.objects.count() == 0


# --- Personas ------------------------------------------------------------------------------------------


def test_other_participant_gets_404_and_creates_nothing(
    client: Client, participant: Any, other_participant: Any
) -> None:
    bpu_participant(user=other_participant)
    client.force_login(other_participant)
    assert client.get(pay_url(participant)).status_code == 404
    assert (
        client.post(pay_url(participant), {"months": "1", "channel": "bca_va", "confirm": "1"}).status_code
        == 404
    )
    assert Payment.objects.count() == 0


def test_staff_gets_404(client: Client, participant: Any, staff_user: Any) -> None:
    client.force_login(staff_user)
    assert client.get(pay_url(participant)).status_code == 404


def test_anonymous_is_sent_to_login(client: Client, participant: Any) -> None:
    response = client.get(pay_url(participant))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_month_count_in_the_query_string_falls_back_to_one(owner_client: Client, participant: Any) -> None:
    body = owner_client.get(pay_url(participant), {"months": "2"}).content.decode()
    assert '<strong class="bill-total">Rp36.800</strong>' in body


def test_query_budget_of_the_pay_page(
    owner_client: Client, participant: Any, django_assert_num_queries: Any
) -> None:
    owner_client.get(pay_url(participant))  # warm-up: the idle-timeout middleware stamps the session once
    with django_assert_num_queries(PAY_PAGE_QUERIES):
        assert owner_client.get(pay_url(participant), {"months": "12"}).status_code == 200


def test_pay_page_stays_within_the_budget_with_history(
    owner_client: Client, owner: Any, participant: Any, django_assert_max_num_queries: Any
) -> None:
    """Paid months, an income change and a released (cancelled) bill: still at most 6 queries."""
    from contributions.declarations import bpu_declaration_change
    from contributions.services import payment_cancel, payment_create

    first = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    bpu_declaration_change(
        user=owner, participant_public_id=participant.public_id, declared_income_idr=2_000_000, with_jht=True
    )
    payment_cancel(user=owner, public_id=first.public_id)  # months before the change are billable again
    owner_client.get(pay_url(participant))
    with django_assert_max_num_queries(PAY_PAGE_BUDGET):
        assert owner_client.get(pay_url(participant), {"months": "12"}).status_code == 200
