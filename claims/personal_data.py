""" "Data saya" section of claims (portal.personal_data): the person's claims with amounts and bank."""

from __future__ import annotations

from django.utils.translation import gettext as _

from claims.selectors import claims_of_user
from participants.models import User
from portal.personal_data import Section


def claims_section(user: User) -> Section | None:
    claims = list(claims_of_user(user=user))
    if not claims:
        return None
    rows = [
        {
            "kpj": c.participant.kpj,
            "reason": c.get_reason_display(),
            "status": c.get_status_display(),
            "created_at": c.created_at,
            "submitted_at": c.submitted_at,
            "paid_at": c.paid_at,
            "gross_idr": c.gross_idr,
            "tax_idr": c.tax_idr,
            "net_idr": c.net_idr,
            "bank": c.get_bank_code_display() if c.bank_code else "",
            "bank_account_number": c.bank_account_number,
            "bank_account_name": c.bank_account_name,
        }
        for c in claims
    ]
    return Section(key="claims", title=_("Klaim JHT"), rows=rows)
