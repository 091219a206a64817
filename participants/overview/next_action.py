"""The one next action of a participant, the same on every dashboard (docs/design.md#next-action).

Candidates come from the KPJs' own facts (status, protection, missing months, wage drops; computed by
`dashboard_for_user` without further queries) and from the apps registered with `portal.next_action`
(open bills, claims; one query each). The most urgent wins. "Semua beres" is only said when there is
no candidate at all, so it can never stand next to a problem. Advice follows the segment: a PU worker's
missing iuran is the employer's to pay, a BPU pays herself (past months cannot be paid, the current
one reactivates), a PMI asks the placement agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants.models import Category, MembershipStatus, StatusReason
from portal import next_action as na

if TYPE_CHECKING:
    from participants.overview.selectors import KpjSummary


def _long(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def missing_advice(category: str) -> str:
    """What to do about months without iuran, by segment."""
    if category == Category.BPU:
        return _(
            "Bulan yang sudah lewat tidak dapat dibayar dan tidak memberi perlindungan. Bayar iuran bulan "
            "ini agar Anda terlindungi kembali; tidak ada denda."
        )
    if category == Category.PMI:
        return _(
            "Iuran PMI dibayar sebelum berangkat dan selama bekerja di luar negeri. Tanyakan kepada "
            "perusahaan penempatan (P3MI) atau kantor cabang."
        )
    return _(
        "Iuran PU dibayar oleh pemberi kerja. Minta penjelasan kepada pemberi kerja; bila upah atau iuran "
        "tidak sesuai, sampaikan pengaduan upah."
    )


def _own_candidates(k: KpjSummary, today: dt.date) -> list[na.Action]:
    p = k.participant
    kpj = p.kpj
    pay_url = reverse("contributions:pay", kwargs={"public_id": p.public_id})
    history_url = reverse("participants:history", kwargs={"public_id": p.public_id})
    out: list[na.Action] = []
    gone = p.status_reason in (StatusReason.MERGED, StatusReason.CLAIMED)
    if k.is_bpu and not gone:
        if p.protected_until is None:
            out.append(
                na.Action(
                    na.RANK_NOT_PROTECTED,
                    na.DANGER,
                    _("KPJ %(kpj)s: Anda belum terlindungi") % {"kpj": kpj},
                    _("Belum ada iuran yang dibayar. Perlindungan berlaku setelah iuran pertama dibayar."),
                    _("Bayar iuran pertama"),
                    pay_url,
                )
            )
        elif p.protected_until < today:
            out.append(
                na.Action(
                    na.RANK_NOT_PROTECTED,
                    na.DANGER,
                    _("KPJ %(kpj)s: perlindungan berakhir %(day)s")
                    % {"kpj": kpj, "day": _long(p.protected_until)},
                    missing_advice(Category.BPU),
                    _("Aktifkan kembali"),
                    pay_url,
                )
            )
    if k.missing and not gone:
        count = len(k.missing)
        if k.is_bpu:
            title = ngettext(
                "KPJ %(kpj)s: %(count)d bulan tanpa perlindungan",
                "KPJ %(kpj)s: %(count)d bulan tanpa perlindungan",
                count,
            )
        else:
            title = ngettext(
                "KPJ %(kpj)s: %(count)d bulan tanpa iuran",
                "KPJ %(kpj)s: %(count)d bulan tanpa iuran",
                count,
            )
        out.append(
            na.Action(
                na.RANK_MISSING_MONTHS,
                na.WARNING,
                title % {"kpj": kpj, "count": count},
                missing_advice(p.category),
                _("Lihat riwayat iuran"),
                history_url,
            )
        )
    if k.drops and not gone:
        out.append(
            na.Action(
                na.RANK_WAGE_DROP,
                na.WARNING,
                _("KPJ %(kpj)s: upah yang dilaporkan turun") % {"kpj": kpj},
                _("Bila upah Anda sebenarnya tidak turun, sampaikan pengaduan upah dengan slip gaji."),
                _("Ajukan pengaduan upah"),
                reverse("layanan:complaint_new", kwargs={"public_id": p.public_id}),
            )
        )
    if p.status == MembershipStatus.NONAKTIF and p.status_reason == StatusReason.EXIT_REPORTED:
        out.append(
            na.Action(
                na.RANK_CLAIM_IN_PROGRESS + 5,
                na.INFO,
                _("KPJ %(kpj)s: saldo JHT dapat diklaim") % {"kpj": kpj},
                _("Klaim JHT dapat diajukan 1 bulan setelah tanggal berhenti bekerja."),
                _("Cek kelayakan klaim"),
                reverse("claims:eligibility"),
            )
        )
    return out


def all_good(kpjs: Sequence[KpjSummary]) -> na.Action:
    until = [k.participant.protected_until for k in kpjs if k.is_bpu and k.participant.protected_until]
    body = (
        _("Anda terlindungi sampai %(day)s.") % {"day": _long(max(until))}
        if until
        else _("Iuran Anda tercatat setiap bulan.")
    )
    return na.Action(na.RANK_ALL_GOOD, na.SUCCESS, _("Semua beres"), body)


def ranked_actions(
    kpjs: Sequence[KpjSummary], facts: Sequence[na.Facts], *, today: dt.date
) -> list[na.Action]:
    """Every candidate over every KPJ and registered source, most urgent first; when there is none,
    the one "Semua beres" (so it never stands next to a problem)."""
    candidates = [a for k in kpjs for a in _own_candidates(k, today)]
    candidates += [a for f in facts for a in f.actions]
    return sorted(candidates, key=lambda a: a.priority) or [all_good(kpjs)]
