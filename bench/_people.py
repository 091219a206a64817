"""Bulk-created participants for the notification benchmarks (factories are too slow for 100,000)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def make_participants(n: int, *, kpj_prefix: str, bpu: bool = True, email_share: float = 0.8) -> list[Any]:
    """`n` active participants with KPJ `<kpj_prefix><serial>`, distinct NIKs, phones 0813xxxxxxxx;
    the first `email_share` of them have an email address. Returns them (with primary keys)."""
    from participants.models import Branch, Category, MembershipStatus, Participant
    from participants.nik import encrypt_nik, nik_index

    branch, _ = Branch.objects.get_or_create(code="BENCH", defaults={"name": "Kantor Bench"})
    born = dt.date(1985, 6, 15)
    width = 11 - len(kpj_prefix)
    rows = []
    for i in range(n):
        nik = f"31{(i // 9999) % 100:02d}01150685{i % 9999 + 1:04d}"  # PP KK CC DDMMYY SSSS
        rows.append(
            Participant(
                kpj=f"{kpj_prefix}{i:0{width}d}",
                nik_encrypted=encrypt_nik(nik),
                nik_index=nik_index(nik),
                full_name=f"Peserta Bench {i}",
                birth_date=born,
                sex="L",
                phone=f"0813{i:08d}",
                email=f"bench{kpj_prefix}{i}@contoh.id" if i < n * email_share else "",
                category=Category.BPU if bpu else Category.PU,
                status=MembershipStatus.AKTIF,
                status_since=dt.date(2020, 1, 1),
                branch=branch,
                registered_on=dt.date(2020, 1, 1),
            )
        )
    return Participant.objects.bulk_create(rows, batch_size=5000)
