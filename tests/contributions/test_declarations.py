"""Changing the declared income and the JHT option: applies from the next unbilled month, leaves bills
already created or paid alone, keeps the history, and billing uses the figures in force per month."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from contributions.billing import bill_preview
from contributions.declarations import DeclarationError, bpu_declaration_change
from contributions.models import BpuDeclaration, BpuProfile, Payment, PaymentMonth
from contributions.models import PaymentStatus as S
from contributions.services import payment_apply_status, payment_cancel, payment_create
from participants.models import Category, Contribution
from tests.contributions.factories import bpu_participant
from tests.factories import ParticipantFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

MAR, APR, MAY, JUN, JUL, AUG = (dt.date(2026, m, 1) for m in range(3, 9))
OLD_MONTH = 10_000 + 6_800 + 20_000  # income 1.000.000 with JHT
NEW_MONTH = 50_000 + 6_800  # income 5.000.000 without JHT


def change(owner: Any, participant: Any, income: int, with_jht: bool) -> Any:
    return bpu_declaration_change(
        user=owner, participant_public_id=participant.public_id, declared_income_idr=income, with_jht=with_jht
    )


def url(participant: Any) -> str:
    return reverse("contributions:declaration", kwargs={"public_id": participant.public_id})


def test_nothing_billed_yet_applies_from_this_month(owner: Any, participant: Any) -> None:
    declaration = change(owner, participant, 5_000_000, False)
    assert declaration.effective_from == MAR
    participant.refresh_from_db()
    bill = bill_preview(participant=participant, months=1)
    assert [(m.period, m.income_idr, m.total_idr) for m in bill.months] == [(MAR, 5_000_000, NEW_MONTH)]


def test_change_applies_only_to_future_bills(owner: Any, participant: Any) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    assert payment.amount_idr == 3 * OLD_MONTH

    declaration = change(owner, participant, 5_000_000, False)

    assert declaration.effective_from == JUN  # Mar-May are billed
    payment.refresh_from_db()
    assert payment.amount_idr == 3 * OLD_MONTH
    assert (
        list(PaymentMonth.objects.filter(payment=payment).values_list("income_idr", "jht_idr"))
        == [(1_000_000, 20_000)] * 3
    )
    # The open bill settles with the figures it was made with.
    assert payment_apply_status(payment_id=payment.pk, to_status=S.SETTLEMENT, source="test") == "applied"
    assert list(Contribution.objects.filter(participant=participant).values_list("period", "wage_idr")) == [
        (MAR, 1_000_000),
        (APR, 1_000_000),
        (MAY, 1_000_000),
    ]
    participant.refresh_from_db()
    bill = bill_preview(participant=participant, months=3)
    assert [(m.period, m.income_idr, m.jht_idr, m.total_idr) for m in bill.months] == [
        (JUN, 5_000_000, 0, NEW_MONTH),
        (JUL, 5_000_000, 0, NEW_MONTH),
        (AUG, 5_000_000, 0, NEW_MONTH),
    ]


def test_released_months_keep_the_figures_in_force_for_them(owner: Any, participant: Any) -> None:
    """A bill for Mar-May is cancelled after a change effective from June: billing again prices
    Mar-May with the old declaration and June on with the new one."""
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    BpuDeclaration.objects.create(
        participant=participant,
        effective_from=MAR,
        declared_income_idr=1_000_000,
        with_jht=True,
        source="registration",
    )
    change(owner, participant, 5_000_000, False)
    payment_cancel(user=owner, public_id=payment.public_id)
    participant = type(participant).objects.select_related("bpu_profile").get(pk=participant.pk)

    bill = bill_preview(participant=participant, months=6)

    assert [(m.period, m.income_idr, m.total_idr) for m in bill.months] == [
        (MAR, 1_000_000, OLD_MONTH),
        (APR, 1_000_000, OLD_MONTH),
        (MAY, 1_000_000, OLD_MONTH),
        (JUN, 5_000_000, NEW_MONTH),
        (JUL, 5_000_000, NEW_MONTH),
        (AUG, 5_000_000, NEW_MONTH),
    ]
    assert bill.total_idr == 3 * OLD_MONTH + 3 * NEW_MONTH


def test_a_later_change_overrides_an_earlier_one_for_the_same_months(owner: Any, participant: Any) -> None:
    payment = payment_create(
        user=owner, participant_public_id=participant.public_id, months=3, channel="bca_va"
    )
    change(owner, participant, 5_000_000, False)  # from June
    payment_cancel(user=owner, public_id=payment.public_id)
    second = change(owner, participant, 2_000_000, True)  # from March, the next unbilled month now
    assert second.effective_from == MAR
    participant = type(participant).objects.select_related("bpu_profile").get(pk=participant.pk)
    bill = bill_preview(participant=participant, months=6)
    assert {m.income_idr for m in bill.months} == {2_000_000}
    assert [d.declared_income_idr for d in BpuDeclaration.objects.filter(participant=participant)] == [
        2_000_000,
        5_000_000,
    ]


def test_history_is_kept_and_profile_mirrors_the_newest(owner: Any, participant: Any) -> None:
    change(owner, participant, 3_000_000, True)
    change(owner, participant, 4_000_000, False)
    rows = list(
        BpuDeclaration.objects.filter(participant=participant).values_list("declared_income_idr", "with_jht")
    )
    assert rows == [(4_000_000, False), (3_000_000, True)]
    profile = BpuProfile.objects.get(participant=participant)
    assert (profile.declared_income_idr, profile.with_jht, profile.effective_from) == (4_000_000, False, MAR)
    assert BpuDeclaration.objects.filter(created_by=owner).count() == 2


@pytest.mark.parametrize("income", [999_999, 20_700_001, 0])
def test_income_out_of_range_is_refused_and_saves_nothing(owner: Any, participant: Any, income: int) -> None:
    with pytest.raises(DeclarationError, match="Penghasilan harus antara"):
        change(owner, participant, income, True)
    assert BpuDeclaration.objects.count() == 0
    assert BpuProfile.objects.get(participant=participant).declared_income_idr == 1_000_000


def test_no_change_is_refused(owner: Any, participant: Any) -> None:
    with pytest.raises(DeclarationError, match="Tidak ada yang berubah"):
        change(owner, participant, 1_000_000, True)
    assert BpuDeclaration.objects.count() == 0


def test_pu_participant_cannot_declare_income(owner: Any) -> None:
    pu = ParticipantFactory(category=Category.PU, user=owner)
    with pytest.raises(DeclarationError):
        change(owner, pu, 2_000_000, True)
    assert BpuDeclaration.objects.count() == 0


# --- The page ---------------------------------------------------------------------------------------


def test_page_shows_the_effective_month_and_saves(owner_client: Client, participant: Any) -> None:
    page = owner_client.get(url(participant))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Maret 2026" in body
    assert "Rp1.000.000" in body
    response = owner_client.post(url(participant), {"declared_income_idr": "5.000.000"})
    assert response.status_code == 302
    profile = BpuProfile.objects.get(participant=participant)
    assert (profile.declared_income_idr, profile.with_jht) == (5_000_000, False)
    after = owner_client.get(url(participant)).content.decode()
    assert "berlaku mulai iuran bulan 03/2026" in after
    assert "Perubahan oleh peserta" in after


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"declared_income_idr": "999999"}, "Penghasilan paling sedikit Rp1.000.000."),
        ({"declared_income_idr": "25000000"}, "Penghasilan paling banyak Rp20.700.000."),
        ({"declared_income_idr": "1500000.50"}, "Tulis rupiah utuh tanpa koma atau sen"),
        ({"declared_income_idr": ""}, "Wajib diisi."),
        ({"declared_income_idr": "1000000", "with_jht": "on"}, "Tidak ada yang berubah"),
    ],
)
def test_page_refuses_bad_input_and_saves_nothing(
    owner_client: Client, participant: Any, data: dict[str, str], message: str
) -> None:
    response = owner_client.post(url(participant), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BpuDeclaration.objects.count() == 0
    profile = BpuProfile.objects.get(participant=participant)
    assert (profile.declared_income_idr, profile.with_jht) == (1_000_000, True)


def test_other_people_and_anonymous_cannot_reach_the_page(client: Client, participant: Any) -> None:
    other = bpu_participant()
    other_client = Client()
    other_client.force_login(other.user)
    assert other_client.get(url(participant)).status_code == 404
    assert other_client.post(url(participant), {"declared_income_idr": "5000000"}).status_code == 404
    anonymous = client.get(url(participant))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert BpuDeclaration.objects.count() == 0


def test_pay_page_and_dashboard_link_to_the_change(owner_client: Client, participant: Any) -> None:
    pay = owner_client.get(reverse("contributions:pay", kwargs={"public_id": participant.public_id}))
    assert url(participant) in pay.content.decode()
    assert url(participant) in owner_client.get(reverse("participants:dashboard")).content.decode()
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("same_branch", [True, False])
def test_branch_staff_cannot_reach_the_page(participant: Any, same_branch: bool) -> None:
    from tests.factories import StaffFactory

    staff = StaffFactory(branch=participant.branch) if same_branch else StaffFactory()
    client = Client()
    client.force_login(staff)
    assert client.get(url(participant)).status_code == 404
    assert client.post(url(participant), {"declared_income_idr": "5000000"}).status_code == 404
    assert BpuDeclaration.objects.count() == 0


def test_query_budget_of_the_page(
    owner_client: Client, owner: Any, participant: Any, django_assert_max_num_queries: Any
) -> None:
    for income in (2_000_000, 3_000_000, 4_000_000):  # history does not add queries
        change(owner, participant, income, True)
    owner_client.get(url(participant))  # warm-up: the idle-timeout middleware stamps the session once
    # session, user, participant, profile, next unbilled month (one UNION), history
    with django_assert_max_num_queries(6):
        assert owner_client.get(url(participant)).status_code == 200
