"""Demonstration data for `seed_demo` (development only): branches, employers, participants, history.

PU data goes through the real CSV imports (so the demo exercises the same code as production data);
BPU months are posted like a settled payment posts them. Everything is dated relative to today.
Idempotent: when the demo KPJs exist, the participant data is left alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from participants.imports.contributions import COLUMNS as CONTRIBUTION_COLUMNS
from participants.imports.contributions import import_contributions
from participants.imports.employers import COLUMNS as EMPLOYER_COLUMNS
from participants.imports.employers import import_employers
from participants.imports.participants import COLUMNS as PARTICIPANT_COLUMNS
from participants.imports.participants import import_participants
from participants.ledger.development import development_credit_year
from participants.ledger.services import contribution_credit_jht
from participants.models import (
    Branch,
    Contribution,
    DevelopmentRate,
    Employment,
    ExitReason,
    MembershipStatus,
    Participant,
    StatusReason,
    User,
)
from participants.rates.calc import bpu_shares
from participants.rates.selectors import rate_table_on
from portal.dates import add_months, month_end

DEMO_PASSWORD = "Demo-Portal-2026!"  # noqa: S105 - development data only, listed in the README

BRANCHES = [
    ("JKT01", "Jakarta Salemba", "Jakarta Pusat", "Jl. Salemba Raya No. 55, Jakarta Pusat"),
    ("BDG01", "Bandung", "Bandung", "Jl. Soekarno-Hatta No. 1, Bandung"),
]
EMPLOYERS = [
    ("11000001", "PT Maju Bersama Sejahtera", 2, "JKT01"),
    ("11000002", "PT Nusantara Tekstil Abadi", 3, "BDG01"),
    ("11000003", "CV Sumber Rejeki Logistik", 4, "JKT01"),
    ("11000004", "PT Karya Digital Indonesia", 1, "JKT01"),
]
# Assumed development returns for years without a published figure: clearly labelled, demo only.
ASSUMED_RATES = {
    2013: "6.50", 2014: "7.00", 2015: "7.10", 2017: "7.00", 2018: "6.50", 2019: "5.80",
    2021: "5.50", 2022: "5.20", 2023: "5.50", 2024: "5.60", 2025: "5.50",
}  # fmt: skip


@dataclass(frozen=True)
class DemoPerson:
    email: str
    kpj: str
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    category: str
    phone: str
    branch: str


PEKERJA = DemoPerson(
    "pekerja@demo.portal", "23010000011", "3171011403850007", "Budi Santoso",
    dt.date(1985, 3, 14), "L", "PU", "081211110001", "JKT01",
)  # fmt: skip
RESIGN = DemoPerson(
    "resign@demo.portal", "23010000022", "3273016207900012", "Rina Marlina",
    dt.date(1990, 7, 22), "P", "PU", "081211110002", "BDG01",
)  # fmt: skip
MANDIRI = DemoPerson(
    "mandiri@demo.portal", "23010000033", "3171030211880003", "Agus Setiawan",
    dt.date(1988, 11, 2), "L", "BPU", "081211110003", "JKT01",
)  # fmt: skip
NUNGGAK = DemoPerson(
    "nunggak@demo.portal", "23010000044", "3273044904930021", "Dewi Lestari",
    dt.date(1993, 4, 9), "P", "BPU", "081211110004", "BDG01",
)  # fmt: skip
MULTI_A = DemoPerson(
    "multi@demo.portal", "23010000055", "3171052501820009", "Hendra Gunawan",
    dt.date(1982, 1, 25), "L", "PU", "081211110005", "JKT01",
)  # fmt: skip
MULTI_B = DemoPerson(
    "multi@demo.portal", "23010000066", MULTI_A.nik, MULTI_A.name,
    MULTI_A.birth_date, "L", "PU", MULTI_A.phone, "JKT01",
)  # fmt: skip
# Life events (docs/life-events.md#demo-personas). PENSIUN's birth date, and so his NIK, are made relative
# to the day of seeding (`_pension_person`); the values here are placeholders for the account loop.
PHK = DemoPerson(
    "phk@demo.portal", "23010000077", "3171036509880004", "Sinta Rahayu",
    dt.date(1988, 9, 25), "P", "PU", "081211110007", "JKT01",
)  # fmt: skip
PENSIUN = DemoPerson(
    "pensiun@demo.portal", "23010000088", "", "Bambang Suryadi",
    dt.date(1968, 1, 1), "L", "PU", "081211110008", "JKT01",
)  # fmt: skip
PEOPLE = [PEKERJA, RESIGN, MANDIRI, NUNGGAK, MULTI_A, MULTI_B, PHK, PENSIUN]

STAFF: list[tuple[str, str, str, str | None, str]] = [
    # email, first name, last name, branch, role (an accounts.roles group; "admin" = superuser)
    ("petugas.jkt@demo.portal", "Sari", "Wulandari", "JKT01", "reviewer"),
    ("petugas.bdg@demo.portal", "Asep", "Saepudin", "BDG01", "reviewer"),
    ("supervisor.jkt@demo.portal", "Yohanes", "Sitorus", "JKT01", "supervisor"),
    ("auditor@demo.portal", "Ratna", "Kusumawati", None, "auditor"),
    ("admin@demo.portal", "Admin", "Portal", None, "admin"),
]
# TOTP secrets of the demo staff (base32; development data only, listed in the README so anyone trying
# the back office can add them to an authenticator app or compute codes with `oathtool --totp -b`).
STAFF_TOTP_SECRETS = {
    "petugas.jkt@demo.portal": "MRSW23ZNOBSXI5LHMFZS22TLOQWTAMJB",
    "petugas.bdg@demo.portal": "MRSW23ZNOBSXI5LHMFZS2YTEM4WTAMJB",
    "supervisor.jkt@demo.portal": "MRSW23ZNON2XAZLSOZUXG33SFVVGW5BB",
    "auditor@demo.portal": "MRSW23ZNMF2WI2LUN5ZC24DVONQXIMJB",
    "admin@demo.portal": "MRSW23ZNMFSG22LOFVYG64TUMFWC2MJB",
}


def _write_csv(directory: Path, name: str, header: list[str], rows: list[list[object]]) -> Path:
    path = directory / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _participant_row(
    person: DemoPerson, npp: str, start: dt.date | None, end: dt.date | None
) -> list[object]:
    return [
        person.kpj, person.nik, person.name, person.birth_date.isoformat(), person.sex, person.category,
        person.email, person.phone, person.branch, npp, start.isoformat() if start else "",
        end.isoformat() if end else "",
    ]  # fmt: skip


def _pu_history(
    kpj: str, npp: str, first: dt.date, last: dt.date, wage_for: dict[dt.date, int], today: dt.date
) -> list[list[object]]:
    rows: list[list[object]] = []
    month = first
    while month <= last:
        if month in wage_for:
            # Paid on the 10th of the next month; last month's, before the 10th, today (the importer
            # refuses a payment date in the future).
            paid = min(add_months(month, 1) + dt.timedelta(days=9), today)
            rows.append([kpj, npp, f"{month:%Y-%m}", wage_for[month], paid.isoformat()])
        month = add_months(month, 1)
    return rows


def _post_bpu_months(participant: Participant, first: dt.date, count: int, income: int) -> None:
    """Post BPU months as a settled payment does: contribution rows + the JHT share in the ledger."""
    paid_at = timezone.now()
    for n in range(count):
        period = add_months(first, n)
        shares = bpu_shares(income_idr=income, with_jht=True, rates=rate_table_on(period))
        contribution, created = Contribution.objects.get_or_create(
            participant=participant,
            employer=None,
            period=period,
            defaults={
                "wage_idr": income,
                "jht_worker_idr": shares.jht_idr,
                "jkk_idr": shares.jkk_idr,
                "jkm_idr": shares.jkm_idr,
                "paid_at": paid_at,
                "posted_at": paid_at,
            },
        )
        if created:
            contribution_credit_jht(contribution=contribution, value_date=timezone.localdate())


def _staff(email: str, first: str, last: str, branch: Branch | None, role: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "branch": branch,
            "is_staff": True,
            "is_superuser": role == "admin",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    staff_set_up_role_and_totp(user, role=role, secret=STAFF_TOTP_SECRETS.get(email))
    return user, created


def staff_set_up_role_and_totp(user: User, *, role: str, secret: str | None) -> None:
    """Give a staff account its role group and a TOTP authenticator with `secret` (idempotent)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.models import Group

    group_name = "administrator" if role == "admin" else role
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    if secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


@transaction.atomic
def load_demo_data() -> list[str]:
    """Create the demo data; returns one line per thing created (empty on a second run)."""
    from accounts.services import account_create_for_participant

    created: list[str] = []
    branches = {}
    for code, name, city, address in BRANCHES:
        branch, was_created = Branch.objects.get_or_create(
            code=code, defaults={"name": name, "city": city, "address": address}
        )
        branches[code] = branch
        if was_created:
            created.append(f"branch {code}")
    from branches.demo import load_branch_services

    created += load_branch_services(list(branches.values()))
    for year, rate in ASSUMED_RATES.items():
        _, was_created = DevelopmentRate.objects.get_or_create(
            year=year,
            defaults={"rate_percent": Decimal(rate), "source": "asumsi data demo", "assumed": True},
        )
        if was_created:
            created.append(f"assumed development rate {year}")

    if not Participant.objects.filter(kpj=PEKERJA.kpj).exists():
        created += _load_participants()
    if not Participant.objects.filter(kpj=PHK.kpj).exists():
        created += _load_life_event_people()
    created += _bpu_declarations()

    for person in PEOPLE:
        if person is MULTI_B:
            continue  # offered for linking on the dashboard, not linked yet
        participant = Participant.objects.get(kpj=person.kpj)
        if participant.user_id is None:
            account_create_for_participant(
                participant=participant, email=person.email, password=DEMO_PASSWORD
            )
            created.append(f"account {person.email}")
    for email, first, last, branch_code, role in STAFF:
        staff_branch = branches[branch_code] if branch_code else None
        _, was_created = _staff(email, first, last, staff_branch, role)
        if was_created:
            created.append(f"staff {email}")
    return created


# Declared monthly income of the demo BPU participants (their months were posted on it).
BPU_INCOME = {MANDIRI.kpj: 3_500_000, NUNGGAK.kpj: 2_000_000}


def _bpu_declarations() -> list[str]:
    """The declared income and JHT option of each demo BPU participant, as one `BpuDeclaration` from
    the month they registered (with the `BpuProfile` mirroring it, which "bayar iuran" bills from), so
    `/payments/kpj/<id>/penghasilan/` shows a history. Only where the participant has no declaration
    yet: also fills databases seeded before declarations existed; later changes are left alone."""
    from contributions.declarations import bpu_declaration_record
    from contributions.models import BpuDeclaration, DeclarationSource

    created = []
    for kpj, income in BPU_INCOME.items():
        with transaction.atomic():
            participant = Participant.objects.select_for_update().get(kpj=kpj)
            if BpuDeclaration.objects.filter(participant=participant).exists():
                continue
            bpu_declaration_record(
                participant=participant,
                declared_income_idr=income,
                with_jht=True,
                effective_from=participant.registered_on.replace(day=1),
                source=DeclarationSource.MIGRATION,
            )
        created.append(f"BPU declaration {kpj}")
    return created


def _load_participants() -> list[str]:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = add_months(this_month, -1)
    twelve_years_ago = add_months(this_month, -144)
    resigned_on = today - dt.timedelta(days=61)
    multi_switch = add_months(this_month, -70)

    pekerja_wages = {}
    month = twelve_years_ago
    while month <= last_month:
        # Wage rise three years ago; two months (14 and 15 months ago) with no contribution reported.
        wage = 6_500_000 if month < add_months(this_month, -36) else 9_800_000
        if month not in (add_months(this_month, -14), add_months(this_month, -15)):
            pekerja_wages[month] = wage
        month = add_months(month, 1)
    resign_first = add_months(this_month, -96)
    resign_last = add_months(resigned_on.replace(day=1), -1)
    resign_wages = {}
    month = resign_first
    while month <= resign_last:
        resign_wages[month] = 5_200_000
        month = add_months(month, 1)
    multi_a_wages = {}
    month = add_months(this_month, -150)
    while month < multi_switch:
        multi_a_wages[month] = 4_300_000
        month = add_months(month, 1)
    multi_b_wages = {}
    month = multi_switch
    while month <= last_month:
        multi_b_wages[month] = 7_100_000
        month = add_months(month, 1)

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        employers = _write_csv(directory, "employers.csv", EMPLOYER_COLUMNS, [list(e) for e in EMPLOYERS])
        people = _write_csv(
            directory,
            "participants.csv",
            PARTICIPANT_COLUMNS,
            [
                _participant_row(PEKERJA, "11000001", twelve_years_ago, None),
                _participant_row(RESIGN, "11000002", resign_first, resigned_on),
                _participant_row(MANDIRI, "", None, None),
                _participant_row(NUNGGAK, "", None, None),
                _participant_row(MULTI_A, "11000003", add_months(this_month, -150), multi_switch),
                _participant_row(MULTI_B, "11000004", multi_switch, None),
            ],
        )
        history = (
            _pu_history(PEKERJA.kpj, "11000001", twelve_years_ago, last_month, pekerja_wages, today)
            + _pu_history(RESIGN.kpj, "11000002", resign_first, resign_last, resign_wages, today)
            + _pu_history(
                MULTI_A.kpj, "11000003", add_months(this_month, -150), last_month, multi_a_wages, today
            )
            + _pu_history(MULTI_B.kpj, "11000004", multi_switch, last_month, multi_b_wages, today)
        )
        contributions = _write_csv(directory, "contributions.csv", CONTRIBUTION_COLUMNS, history)
        reports = [
            import_employers(employers),
            import_participants(people),
            import_contributions(contributions),
        ]
    problems = [(r.kind, line, reason) for r in reports for line, reason in r.rejected]
    if problems:
        raise RuntimeError(f"demo data rejected by the importer: {problems}")

    # The resignation: the employer reported it with its reason; membership nonaktif since that day.
    resign = Participant.objects.get(kpj=RESIGN.kpj)
    Employment.objects.filter(participant=resign).update(
        exit_reason=ExitReason.RESIGN, exit_reported_on=resigned_on + dt.timedelta(days=3)
    )
    Employment.objects.filter(participant__kpj=MULTI_A.kpj).update(
        exit_reason=ExitReason.RESIGN, exit_reported_on=multi_switch
    )

    # BPU: Agus paid through next month; Dewi stopped paying 4 months ago and became nonaktif.
    mandiri = Participant.objects.get(kpj=MANDIRI.kpj)
    _post_bpu_months(mandiri, add_months(this_month, -10), 12, 3_500_000)
    mandiri.protected_until = month_end(add_months(this_month, 1))
    mandiri.registered_on = add_months(this_month, -10)
    mandiri.save(update_fields=["protected_until", "registered_on", "updated_at"])
    nunggak = Participant.objects.get(kpj=NUNGGAK.kpj)
    last_paid = add_months(this_month, -5)
    _post_bpu_months(nunggak, add_months(this_month, -12), 8, 2_000_000)
    Participant.objects.filter(pk=nunggak.pk).update(
        registered_on=add_months(this_month, -12),
        protected_until=month_end(last_paid),
        status=MembershipStatus.NONAKTIF,
        status_reason=StatusReason.UNPAID_3_MONTHS,
        status_since=add_months(last_paid, 4),
    )
    for year in range(twelve_years_ago.year - 1, today.year):
        development_credit_year(year=year)
    return [f"{r.summary()}" for r in reports] + ["BPU months for mandiri and nunggak", "development returns"]


def _pension_person(today: dt.date) -> DemoPerson:
    """Bambang turns 59 eight months from the day of seeding; his NIK carries that birth date."""
    birth = add_months(today, 8 - 59 * 12)
    nik = f"317103{birth:%d%m%y}0005"
    return DemoPerson(
        PENSIUN.email, PENSIUN.kpj, nik, PENSIUN.name, birth, PENSIUN.sex, PENSIUN.category, PENSIUN.phone,
        PENSIUN.branch,
    )  # fmt: skip


def _load_life_event_people() -> list[str]:
    """A worker laid off (PHK, reported) three months ago with 48 months of contributions (JKP eligible),
    and one turning 59 within a year, still working, with contributions since 16 years ago."""
    today = timezone.localdate()
    last_month = add_months(today.replace(day=1), -1)
    phk_on = add_months(today, -3)
    phk_month = phk_on.replace(day=1)
    phk_wages = {add_months(phk_month, -n): 6_200_000 for n in range(48)}
    pension = _pension_person(today)
    pension_first = add_months(today.replace(day=1), -192)
    pension_wages = {add_months(pension_first, n): 7_500_000 for n in range(192)}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        people = _write_csv(
            directory,
            "participants.csv",
            PARTICIPANT_COLUMNS,
            [
                _participant_row(PHK, "11000003", add_months(phk_month, -60), phk_on),
                _participant_row(pension, "11000004", pension_first, None),
            ],
        )
        history = _pu_history(
            PHK.kpj, "11000003", add_months(phk_month, -47), phk_month, phk_wages, today
        ) + _pu_history(PENSIUN.kpj, "11000004", pension_first, last_month, pension_wages, today)
        contributions = _write_csv(directory, "contributions.csv", CONTRIBUTION_COLUMNS, history)
        reports = [import_participants(people), import_contributions(contributions)]
    problems = [(r.kind, line, reason) for r in reports for line, reason in r.rejected]
    if problems:
        raise RuntimeError(f"demo data rejected by the importer: {problems}")
    Employment.objects.filter(participant__kpj=PHK.kpj).update(
        exit_reason=ExitReason.PHK, exit_reported_on=phk_on + dt.timedelta(days=2)
    )
    return [f"{r.summary()}" for r in reports]
