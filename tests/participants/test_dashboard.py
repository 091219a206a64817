import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from participants.models import Category, MembershipStatus, Participant, StatusReason
from participants.overview.alerts import WageDrop, last_due_month, missing_months, wage_drops
from participants.overview.selectors import dashboard_for_user
from tests.factories import EmployerFactory, ParticipantFactory, UserFactory, make_nik, post_contribution
from tests.participants.factories_pages import TODAY, post_months

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_frozen_today")]
URL = "/peserta/"
D = dt.date


@pytest.fixture
def _frozen_today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def kpj(owner: Any) -> Any:
    """Two years of history with two missing months and one wage drop inside the alert window."""
    p = ParticipantFactory(user=owner, kpj="11111111111", registered_on=D(2015, 1, 1))
    employer = EmployerFactory(name="PT Maju Jaya")
    post_months(
        p,
        D(2024, 11, 1),
        D(2026, 10, 1),
        skip=[D(2026, 3, 1), D(2026, 7, 1)],
        wages={D(2026, 9, 1): 4_500_000, D(2026, 10, 1): 4_500_000},
        employer=employer,
    )
    return p


def test_url_name_is_the_login_redirect_target() -> None:
    assert reverse("participants:dashboard") == URL


def test_owner_sees_status_balance_breakdown_and_last_contributions(owner_client: Client, kpj: Any) -> None:
    response = owner_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "KPJ 11111111111" in body
    # 20 months at Rp5.000.000 (185.000 + 100.000) and 2 at Rp4.500.000 (166.500 + 90.000)
    assert '<p class="jht-total-amount">Rp6.213.000</p>' in body
    assert "<dd>Rp4.033.000</dd>" in body
    assert "<dd>Rp2.180.000</dd>" in body
    assert "Terdaftar dan iuran berjalan" in body
    assert "Oktober 2026" in body
    assert "PT Maju Jaya" in body
    for programme in ("JHT", "JKK", "JKM", "JP", "JKP"):
        assert f'<span class="programme">{programme}</span>' in body
    assert "HX-Request" in response.headers["Vary"]


def test_alerts_gap_months_and_wage_drop_exactly(owner: Any, kpj: Any) -> None:
    data = dashboard_for_user(user=owner, today=TODAY.date())
    (summary,) = data.kpjs
    assert summary.missing == [D(2026, 3, 1), D(2026, 7, 1)]
    assert summary.drops == [WageDrop(D(2026, 9, 1), 5_000_000, 4_500_000)]


def test_alerts_are_shown_on_the_page(owner_client: Client, kpj: Any) -> None:
    body = owner_client.get(URL).content.decode()
    assert '<span class="month-chip">Maret 2026</span><span class="month-chip">Juli 2026</span>' in body
    assert "upah yang dilaporkan turun pada September 2026, dari Rp5.000.000 menjadi Rp4.500.000" in body


def test_alert_rules() -> None:
    today = D(2026, 11, 20)
    assert last_due_month(today, pays_own=False) == D(2026, 10, 1)
    assert last_due_month(D(2026, 11, 15), pays_own=False) == D(2026, 9, 1)
    assert last_due_month(today, pays_own=True) == D(2026, 11, 1)
    # Nonaktif since June: nothing expected from June on; registration in August 2025 bounds the start.
    assert missing_months(
        months_paid=[D(2025, 9, 1), D(2026, 1, 1)],
        registered_on=D(2025, 8, 10),
        today=today,
        pays_own=False,
        active=False,
        status_since=D(2026, 6, 30),
    ) == [D(2025, 8, 1), D(2025, 10, 1), D(2025, 11, 1), D(2025, 12, 1)] + [
        D(2026, m, 1) for m in (2, 3, 4, 5)
    ]
    # A drop after a gap is not a drop (no previous month); a rise is not a drop.
    assert wage_drops(
        wages_by_month={D(2026, 1, 1): 5, D(2026, 3, 1): 4, D(2026, 4, 1): 6, D(2026, 5, 1): 5}, today=today
    ) == [WageDrop(D(2026, 5, 1), 6, 5)]


def test_no_contributions_shows_empty_state(owner: Any, owner_client: Client) -> None:
    ParticipantFactory(user=owner)
    body = owner_client.get(URL).content.decode()
    assert "Belum ada iuran" in body
    assert "Rp0" in body


def test_user_without_kpj_sees_how_to_link(owner_client: Client) -> None:
    body = owner_client.get(URL).content.decode()
    assert "Belum ada KPJ yang tertaut" in body


def test_nonaktif_explains_why_since_when_and_what_to_do(owner: Any, owner_client: Client) -> None:
    ParticipantFactory(
        user=owner,
        status=MembershipStatus.NONAKTIF,
        status_reason=StatusReason.EXIT_REPORTED,
        status_since=D(2026, 9, 30),
    )
    body = owner_client.get(URL).content.decode()
    assert "Nonaktif" in body
    assert "Pemberi kerja melaporkan Anda berhenti bekerja" in body
    assert "(sejak Rabu, 30 September 2026)." in body
    assert "klaim JHT dapat diajukan 1 bulan setelah tanggal berhenti bekerja" in body


def test_bpu_shows_protected_until(owner: Any, owner_client: Client) -> None:
    ParticipantFactory(user=owner, category=Category.BPU, protected_until=D(2026, 12, 31))
    body = owner_client.get(URL).content.decode()
    assert "Dilindungi sampai Kamis, 31 Desember 2026." in body
    assert '<span class="programme">JP</span>' not in body


def test_every_kpj_of_the_nik_with_total_and_unlinked_offered(owner: Any, owner_client: Client) -> None:
    nik = make_nik(birth_date=D(1990, 5, 17), sex="L", serial=4242)
    a = ParticipantFactory(user=owner, nik=nik, kpj="22222222222", registered_on=D(2015, 1, 1))
    b = ParticipantFactory(user=owner, nik=nik, kpj="33333333333", registered_on=D(2019, 1, 1))
    unlinked = ParticipantFactory(nik=nik, kpj="44444444444")
    stranger = ParticipantFactory(kpj="55555555555")
    post_contribution(a, period=D(2026, 9, 1), wage_idr=5_000_000)
    post_contribution(b, period=D(2026, 9, 1), wage_idr=10_000_000)
    body = owner_client.get(URL).content.decode()
    assert "KPJ 22222222222" in body
    assert "KPJ 33333333333" in body
    assert '<p class="jht-total-amount">Rp855.000</p>' in body  # 285.000 + 570.000
    assert reverse("participants:link_kpj", kwargs={"public_id": unlinked.public_id}) in body
    assert "44444444444" in body
    assert "55555555555" not in body
    assert str(stranger.public_id) not in body


def test_htmx_request_gets_the_kpj_fragment_only(owner: Any, kpj: Any) -> None:
    client = Client(headers={"HX-Request": "true"})
    client.force_login(owner)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section aria-labelledby="kpjs-title" id="kpjs">')
    assert "<html" not in body
    assert "KPJ 11111111111" in body


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "next=/peserta/" in response.headers["Location"]


def test_staff_without_participant_sees_empty_dashboard(client: Client, staff_user: Any) -> None:
    client.force_login(staff_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Belum ada KPJ yang tertaut" in response.content.decode()


def test_dashboard_query_budget_is_independent_of_history(
    owner: Any, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    nik = make_nik(birth_date=D(1990, 5, 17), sex="L", serial=777)
    for i in range(3):
        p = ParticipantFactory(user=owner, nik=nik, registered_on=D(2014, 1, 1))
        post_months(p, D(2014 + i * 3, 1, 1), D(2026, 10, 1), employer=EmployerFactory())
    ParticipantFactory(nik=nik)  # unlinked
    owner_client.get(URL)  # warm-up: the idle-timeout middleware stamps a fresh session once
    with django_assert_max_num_queries(5):
        response = owner_client.get(URL)
    assert response.status_code == 200


# --- Linking a KPJ of the same NIK ---------------------------------------------------------------


def test_link_confirmation_then_link(owner: Any, owner_client: Client) -> None:
    nik = make_nik(birth_date=D(1990, 5, 17), sex="L", serial=5151)
    ParticipantFactory(user=owner, nik=nik)
    other = ParticipantFactory(nik=nik, kpj="66666666666")
    url = reverse("participants:link_kpj", kwargs={"public_id": other.public_id})
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "KPJ 66666666666 terdaftar dengan NIK Anda" in page.content.decode()
    other.refresh_from_db()
    assert other.user_id is None
    response = owner_client.post(url)
    assert response.status_code == 302
    assert response.headers["Location"] == URL
    other.refresh_from_db()
    assert other.user_id == owner.pk


def test_linking_someone_elses_kpj_is_404_logged_and_changes_nothing(
    owner: Any, owner_client: Client, caplog: Any
) -> None:
    ParticipantFactory(user=owner)
    foreign_unlinked = ParticipantFactory()  # another NIK, no account
    foreign_linked = ParticipantFactory(user=UserFactory())
    for target in (foreign_unlinked, foreign_linked):
        url = reverse("participants:link_kpj", kwargs={"public_id": target.public_id})
        assert owner_client.post(url).status_code == 404
        assert owner_client.get(url).status_code == 404
    foreign_unlinked.refresh_from_db()
    foreign_linked.refresh_from_db()
    assert foreign_unlinked.user_id is None
    assert foreign_linked.user_id != owner.pk


def test_link_requires_login(client: Client) -> None:
    p = ParticipantFactory()
    response = client.post(reverse("participants:link_kpj", kwargs={"public_id": p.public_id}))
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.user_id is None


# --- One next action (participants/overview/next_action.py) -------------------------------------------


def _next_action_html(body: str) -> str:
    return body.split('id="next-action"', 1)[1].split("</div>", 1)[0]


def test_pu_gap_is_the_next_action_with_employer_advice_never_all_good(
    owner_client: Client, kpj: Any
) -> None:
    body = owner_client.get(URL).content.decode()
    action = _next_action_html(body)
    assert "KPJ 11111111111: 2 bulan tanpa iuran" in action
    assert "Iuran PU dibayar oleh pemberi kerja" in action
    assert "Semua beres" not in body
    assert "Tidak ada yang perlu dilakukan" not in body


def test_new_bpu_is_told_she_is_not_protected_and_sees_the_jht_she_chose(
    owner: Any, owner_client: Client
) -> None:
    from contributions.models import BpuProfile

    p = ParticipantFactory(
        user=owner, category=Category.BPU, registered_on=D(2026, 11, 18), protected_until=None
    )
    BpuProfile.objects.create(participant=p, declared_income_idr=3_000_000, with_jht=True)
    body = owner_client.get(URL).content.decode()
    action = _next_action_html(body)
    assert "Anda belum terlindungi" in action
    assert f'href="/payments/kpj/{p.public_id}/bayar/">Bayar iuran pertama</a>' in action
    assert '<span class="programme">JHT</span>' in body
    assert "Semua beres" not in body
    assert "pemberi kerja" not in action


def test_expired_protection_is_danger_with_aktifkan_kembali(owner: Any, owner_client: Client) -> None:
    p = ParticipantFactory(
        user=owner,
        category=Category.BPU,
        registered_on=D(2026, 1, 1),
        protected_until=D(2026, 7, 31),
        status=MembershipStatus.NONAKTIF,
        status_reason=StatusReason.UNPAID_3_MONTHS,
        status_since=D(2026, 10, 16),
    )
    post_months(p, D(2026, 1, 1), D(2026, 7, 1))
    body = owner_client.get(URL).content.decode()
    assert "Perlindungan berakhir Jumat, 31 Juli 2026." in body
    assert 'class="protected ds-alert ds-alert-danger"' in body
    assert f'href="/payments/kpj/{p.public_id}/bayar/">Aktifkan kembali</a>' in body
    assert "Bayar iuran bulan ini agar Anda terlindungi kembali" in _next_action_html(body)


def test_bpu_unpaid_count_keeps_its_meaning_after_paying_again(owner: Any) -> None:
    """Before: nonaktif after Aug-Oct unpaid, November due. After paying November the count drops by the
    month paid (it used to grow from 3 to 4 when the KPJ turned aktif again)."""
    p = ParticipantFactory(
        user=owner,
        category=Category.BPU,
        registered_on=D(2026, 1, 1),
        protected_until=D(2026, 7, 31),
        status=MembershipStatus.NONAKTIF,
        status_reason=StatusReason.UNPAID_3_MONTHS,
        status_since=D(2026, 10, 16),
    )
    post_months(p, D(2026, 1, 1), D(2026, 7, 1))
    (before,) = dashboard_for_user(user=owner, today=TODAY.date()).kpjs
    assert before.missing == [D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]

    post_months(p, D(2026, 11, 1), D(2026, 11, 1))
    Participant.objects.filter(pk=p.pk).update(  # what crediting the payment does to the KPJ
        status=MembershipStatus.AKTIF,
        status_reason=StatusReason.PAID_AGAIN,
        status_since=D(2026, 11, 20),
        protected_until=D(2026, 11, 30),
    )
    (after,) = dashboard_for_user(user=owner, today=TODAY.date()).kpjs
    assert after.missing == [D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1)]
    assert [c.state for c in after.strip[-5:]] == ["paid", "missing", "missing", "missing", "paid"]


def test_all_good_only_when_there_is_nothing_else(owner: Any, owner_client: Client) -> None:
    p = ParticipantFactory(user=owner, registered_on=D(2026, 9, 1))
    post_months(p, D(2026, 9, 1), D(2026, 10, 1))
    body = owner_client.get(URL).content.decode()
    assert "Semua beres" in _next_action_html(body)


def test_bpu_dashboard_budget_one_query_more_for_bills(
    owner: Any, owner_client: Client, django_assert_max_num_queries: Any
) -> None:
    """The next-action sources cost one query each (claims; contributions only when there is a BPU)."""
    from contributions.models import BpuProfile

    p = ParticipantFactory(user=owner, category=Category.BPU, registered_on=D(2024, 1, 1))
    BpuProfile.objects.create(participant=p, declared_income_idr=3_000_000, with_jht=True)
    post_months(p, D(2024, 1, 1), D(2026, 10, 1))
    owner_client.get(URL)
    with django_assert_max_num_queries(6):
        response = owner_client.get(URL)
    assert response.status_code == 200
