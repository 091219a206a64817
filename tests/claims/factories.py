"""Claim test helpers: people with balances, claims in any status."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, cast

from claims.models import Claim, ClaimStatus
from participants.ledger.models import EntryKind
from participants.ledger.services import ledger_post
from participants.models import MembershipStatus, Participant
from tests.factories import EmploymentFactory, ParticipantFactory, StaffFactory, UserFactory

_keys = itertools.count(1)


def credit(participant: Participant, amount_idr: int) -> None:
    """Put `amount_idr` on the KPJ's JHT balance (as one contribution entry)."""
    ledger_post(
        account_id=participant.pk,
        kind=EntryKind.CONTRIBUTION,
        amount_idr=amount_idr,
        employer_idr=amount_idr,
        worker_idr=0,
        value_date=dt.date(2020, 1, 1),
        idempotency_key=f"test-credit:{participant.pk}:{next(_keys)}",
    )


def resigned_person(
    *,
    balance_idr: int = 10_000_000,
    end_date: dt.date = dt.date(2026, 1, 15),
    exit_reason: str = "resign",
    full_name: str = "Rizky Pratama",
    user: Any = None,
    extra_kpj_balances: tuple[int, ...] = (),
) -> Participant:
    """A PU participant whose employer reported the exit; nonaktif; with a linked account and balance.
    `extra_kpj_balances` adds more KPJs of the same NIK (nonaktif, not linked to the account)."""
    user = user or UserFactory()
    p = ParticipantFactory(
        user=user,
        full_name=full_name,
        status=MembershipStatus.NONAKTIF,
        status_since=end_date,
        registered_on=dt.date(2015, 1, 1),
    )
    EmploymentFactory(
        participant=p,
        start_date=dt.date(2015, 1, 1),
        end_date=end_date,
        exit_reported_on=end_date,
        exit_reason=exit_reason,
    )
    credit(p, balance_idr)
    for amount in extra_kpj_balances:
        other = ParticipantFactory(
            nik=p.nik,
            full_name=full_name,
            status=MembershipStatus.NONAKTIF,
            registered_on=dt.date(2012, 1, 1),
            birth_date=p.birth_date,
            sex=p.sex,
        )
        credit(other, amount)
    return cast(Participant, p)


def claim_in(status: str, participant: Participant | None = None, **fields: Any) -> Claim:
    """A claim put straight into `status` (test set-up only; production moves through transitions)."""
    participant = participant or resigned_person()
    defaults: dict[str, Any] = {
        "reason": "resign",
        "bank_code": "014",
        "bank_account_number": "1234567890",
        "bank_account_name": participant.full_name,
        "gross_idr": 10_000_000,
        "net_idr": 10_000_000,
        "snapshot": {"accounts": [{"participant_id": participant.pk, "claim_idr": 10_000_000}]},
    }
    claim = Claim.objects.create(
        participant=participant,
        nik_index=participant.nik_index,
        user=participant.user,
        **{**defaults, **fields},
    )
    Claim.objects.filter(pk=claim.pk).update(status=status)
    claim.refresh_from_db()
    return claim


def staff(**kwargs: Any) -> Any:
    return StaffFactory(**kwargs)


OPEN = ClaimStatus


def pdf(name: str = "dok.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.portal.test_uploads_corpus import pdf as valid_pdf

    # A real one-page PDF: documents go through the upload pipeline, which refuses unreadable PDFs.
    return SimpleUploadedFile(name, valid_pdf(), content_type="application/pdf")


def ready_draft(
    participant: Participant, *, reason: str = "resign", npwp: str = "", account: str = "1234567890"
) -> Claim:
    """A draft with bank details and every document the reason needs (not yet submitted)."""
    from claims.eligibility import BASE_DOCUMENTS
    from claims.services import claim_attach_document, claim_start_draft, claim_update_draft

    user = participant.user
    draft = claim_start_draft(user=user, participant_public_id=participant.public_id, reason=reason)
    claim_update_draft(
        user=user,
        claim_id=draft.public_id,
        bank_code="014",
        bank_account_number=account,
        bank_account_name=participant.full_name,
        npwp=npwp,
    )
    for doc in (*BASE_DOCUMENTS[reason], *(("npwp",) if npwp else ())):
        claim_attach_document(user=user, claim_id=draft.public_id, doc_type=doc, file=pdf())
    draft.refresh_from_db()
    return draft
