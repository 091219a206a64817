"""Automated verification of a submitted claim: a checklist of pass / warning / fail items.

The same checks run for the claimant before the final submission (`claim_preflight`) and, stored, after
submission (`claim_verify`, run by the `claims.tasks.verify_claim` task). Staff read the checklist in
review; a FAIL item blocks approval until it is fixed (revision) or the claim is rejected.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.eligibility import Eligibility, PersonFacts, evaluate
from claims.models import CheckResult, Claim, ClaimCheck, ClaimStatus, DocumentType
from claims.selectors import claim_facts_for_person, claim_get_for_participant
from claims.service_level import due_date_for
from claims.transitions import IllegalTransition, claim_transition
from participants.models import User
from participants.nik import InvalidNik, birth_date_and_sex_from_nik, nik_matches_person
from portal.money import format_rupiah

# Honorifics and academic/religious titles that appear on bank books but not on the KTP.
TITLES = frozenset(
    {
        "bpk",
        "bapak",
        "ibu",
        "ib",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "tn",
        "tuan",
        "ny",
        "nyonya",
        "nn",
        "nona",
        "mr",
        "mrs",
        "ms",
        "h",
        "hj",
        "haji",
        "hajjah",
        "kh",
        "ust",
        "ustadz",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "st",
        "se",
        "sh",
        "mh",
        "mm",
        "mt",
        "sked",
        "skom",
        "spd",
        "ssi",
        "sag",
        "sos",
        "ssos",
        "sip",
        "ssn",
        "amd",
        "amk",
        "ak",
        "msi",
        "mkom",
        "mpd",
        "mba",
        "phd",
    }
)
NEAR_MISS_RATIO = 0.85


@dataclass(frozen=True)
class CheckOutcome:
    code: str
    result: str  # CheckResult value
    message: str


def normalise_name(name: str) -> str:
    """Lower case, accents and punctuation removed, titles dropped, single spaces.
    "Bpk. RIZKY  Pratama, S.T." → "rizky pratama"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    tokens = [re.sub(r"[^a-z0-9]", "", token) for token in re.split(r"[\s,]+", text)]
    return " ".join(t for t in tokens if t and t not in TITLES)


def name_match(recorded: str, holder: str) -> str:
    """PASS when equal after normalising, WARNING for a near miss (one or two letters), FAIL otherwise."""
    a, b = normalise_name(recorded), normalise_name(holder)
    if a and a == b:
        return CheckResult.PASS
    if a and b and difflib.SequenceMatcher(None, a, b).ratio() >= NEAR_MISS_RATIO:
        return CheckResult.WARNING
    return CheckResult.FAIL


def _check_nik(nik: str, claim: Claim) -> list[CheckOutcome]:
    p = claim.participant
    try:
        birth_date_and_sex_from_nik(nik)
    except InvalidNik as exc:
        return [CheckOutcome("nik_structure", CheckResult.FAIL, str(exc))]
    out = [CheckOutcome("nik_structure", CheckResult.PASS, _("Struktur NIK benar."))]
    if nik_matches_person(nik, birth_date=p.birth_date, sex=p.sex):
        out.append(
            CheckOutcome(
                "nik_birth_date", CheckResult.PASS, _("Tanggal lahir dan jenis kelamin di NIK sesuai.")
            )
        )
    else:
        out.append(
            CheckOutcome(
                "nik_birth_date",
                CheckResult.FAIL,
                _(
                    "Tanggal lahir atau jenis kelamin yang tercatat tidak sesuai dengan NIK. Perbaiki data "
                    "kepesertaan (melalui pemberi kerja atau kantor cabang) sesuai KTP."
                ),
            )
        )
    return out


def _check_name(claim: Claim) -> CheckOutcome:
    if not claim.bank_account_name:
        return CheckOutcome("bank_name", CheckResult.FAIL, _("Nama pemilik rekening belum diisi."))
    result = name_match(claim.participant.full_name, claim.bank_account_name)
    messages: dict[str, str] = {
        CheckResult.PASS: _("Nama pemilik rekening sama dengan nama peserta."),
        CheckResult.WARNING: _(
            "Nama pemilik rekening hampir sama dengan nama peserta (beda ejaan). Petugas akan memeriksa buku "
            "tabungan Anda."
        ),
        CheckResult.FAIL: _(
            "Nama pemilik rekening berbeda dengan nama peserta. Rekening harus atas nama Anda sendiri."
        ),
    }
    return CheckOutcome("bank_name", result, messages[result])


def _check_eligibility(result: Eligibility) -> CheckOutcome:
    if result.eligible:
        return CheckOutcome("eligibility", CheckResult.PASS, _("Syarat klaim terpenuhi."))
    return CheckOutcome("eligibility", CheckResult.FAIL, f"{result.message} {result.fix}".strip())


def _check_documents(claim: Claim, result: Eligibility, present: set[str]) -> CheckOutcome:
    missing = [d for d in result.documents if d not in present]
    if not missing:
        return CheckOutcome("documents", CheckResult.PASS, _("Semua dokumen wajib sudah diunggah."))
    labels = ", ".join(str(DocumentType(d).label) for d in missing)
    return CheckOutcome(
        "documents", CheckResult.FAIL, _("Dokumen belum diunggah: %(docs)s.") % {"docs": labels}
    )


def _check_npwp(claim: Claim, result: Eligibility, threshold_idr: int) -> CheckOutcome:
    if not result.npwp_required:
        return CheckOutcome("npwp", CheckResult.PASS, _("NPWP tidak diperlukan untuk jumlah ini."))
    if re.fullmatch(r"[0-9]{15,16}", claim.npwp or ""):
        return CheckOutcome("npwp", CheckResult.PASS, _("NPWP sudah diisi."))
    return CheckOutcome(
        "npwp",
        CheckResult.FAIL,
        _("Klaim di atas %(limit)s wajib mencantumkan NPWP (15 digit, atau NIK 16 digit sebagai NPWP).")
        % {"limit": format_rupiah(threshold_idr)},
    )


def _check_open_claim(has_other_open_claim: bool) -> CheckOutcome:
    # From the person's facts (loaded excluding this claim): no query of its own.
    if has_other_open_claim:
        return CheckOutcome("duplicate_claim", CheckResult.FAIL, _("Ada klaim lain yang masih diproses."))
    return CheckOutcome("duplicate_claim", CheckResult.PASS, _("Tidak ada klaim lain yang sedang diproses."))


def _check_bank_reuse(claim: Claim) -> CheckOutcome:
    used = (
        Claim.objects.filter(bank_code=claim.bank_code, bank_account_number=claim.bank_account_number)
        .exclude(nik_index=claim.nik_index)
        .exclude(status__in=[ClaimStatus.DRAFT, ClaimStatus.CANCELLED])
    )
    if claim.bank_account_number and used.exists():
        return CheckOutcome(
            "bank_account_reuse",
            CheckResult.FAIL,
            _(
                "Rekening ini sudah dipakai dalam klaim peserta lain. "
                "Gunakan rekening atas nama Anda sendiri."
            ),
        )
    return CheckOutcome("bank_account_reuse", CheckResult.PASS, _("Rekening tidak dipakai peserta lain."))


def run_checks(claim: Claim, *, facts: PersonFacts | None = None) -> list[CheckOutcome]:
    """Every check for the claim as it stands now. Read-only; a bounded number of queries.

    Pass `facts` when the caller has already gathered them for this claim (the review page shows the
    amounts from the same facts), so they are not loaded twice.
    """
    if facts is None:
        facts = claim_facts_for_person(nik_index=claim.nik_index, exclude_claim_id=claim.pk)
    result = evaluate(facts, claim.reason)
    present = set(claim.documents.values_list("doc_type", flat=True))
    return [
        *_check_nik(claim.participant.nik, claim),
        _check_name(claim),
        _check_eligibility(result),
        _check_documents(claim, result, present),
        _check_npwp(claim, result, facts.rules.npwp_threshold_idr),
        _check_open_claim(facts.has_other_open_claim),
        _check_bank_reuse(claim),
    ]


def claim_preflight(*, user: User, claim_id: uuid.UUID | str) -> list[CheckOutcome]:
    """The verification checklist for the claimant before the final submission. Read-only; 404 for a
    claim that is not the user's."""
    claim = claim_get_for_participant(user=user, claim_id=claim_id)
    return run_checks(claim)


def claim_verify(*, claim_id: int) -> bool:
    """Run the checks on a submitted (or resubmitted) claim, store them as its checklist and move it to
    in_review; when no item fails the file is complete: `complete_at` and the service-level `due_date`
    are set.

    Idempotent: a claim already past verification is left alone (returns False); a concurrent run loses
    the transition and changes nothing.
    """
    status = Claim.objects.filter(pk=claim_id).values_list("status", flat=True).first()
    if status not in (ClaimStatus.SUBMITTED, ClaimStatus.VERIFYING, ClaimStatus.RESUBMITTED):
        return False
    try:
        if status == ClaimStatus.SUBMITTED:
            claim_transition(claim_id=claim_id, to=ClaimStatus.VERIFYING, actor=None, reason="verification")
        with transaction.atomic():
            claim = (
                Claim.objects.select_for_update(of=("self",)).select_related("participant").get(pk=claim_id)
            )
            if claim.status not in (ClaimStatus.VERIFYING, ClaimStatus.RESUBMITTED):
                return False
            outcomes = run_checks(claim)
            for o in outcomes:
                ClaimCheck.objects.update_or_create(
                    claim=claim, code=o.code, defaults={"result": o.result, "message": o.message}
                )
            ClaimCheck.objects.filter(claim=claim).exclude(code__in=[o.code for o in outcomes]).delete()
            complete = all(o.result != CheckResult.FAIL for o in outcomes)
            now = timezone.now()
            updates = (
                {"complete_at": now, "due_date": due_date_for(timezone.localdate(now))}
                if complete
                else {"complete_at": None, "due_date": None}
            )
            claim_transition(
                claim_id=claim_id,
                to=ClaimStatus.IN_REVIEW,
                actor=None,
                reason="verification",
                updates=updates,
            )
    except IllegalTransition:
        return False  # someone else moved it (a concurrent run, or the claimant cancelled)
    return True
