"""Bukti pembayaran: the snapshot (taken when the payment settles), its PDF and the public check.

The snapshot copies everything the receipt says at issue time, so later edits to the participant or
rates never change an issued receipt. The PDF is rendered once, by `tasks.render_receipt`. The QR code
points to a signed public URL that reveals only valid/invalid, amount, date and a masked name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contributions.models import Payment, PaymentMonth, Receipt
from participants.models import Participant

_SALT = "contributions.receipt.verify"


def receipt_number(payment: Payment, when: dt.datetime) -> str:
    """`BPU/2026/11/00000042`: year and month of payment (WIB) and the payment's row number."""
    local = timezone.localtime(when)
    return f"BPU/{local:%Y/%m}/{payment.pk:08d}"


def receipt_create(*, payment: Payment, participant: Participant, rows: list[PaymentMonth]) -> Receipt:
    """Take the snapshot (inside the crediting transaction, under the payment lock)."""
    paid_at = payment.paid_at or timezone.now()
    local = timezone.localtime(paid_at)
    snapshot: dict[str, Any] = {
        "payer": participant.full_name,
        "kpj": participant.kpj,
        "order_id": payment.order_id,
        "channel": payment.get_channel_display(),
        "channel_code": payment.channel,
        "paid_at": local.strftime("%d-%m-%Y %H:%M") + " WIB",  # kept for receipts issued before paid_at_iso
        "paid_at_iso": local.isoformat(),  # shown with the `waktu` filter: one date style, WIB
        "paid_date": local.date().isoformat(),
        "total_idr": payment.amount_idr,
        "months": [
            {
                "period": row.period.isoformat(),
                "label": f"{row.period:%m/%Y}",
                "income_idr": row.income_idr,
                "jkk_idr": row.jkk_idr,
                "jkm_idr": row.jkm_idr,
                "jht_idr": row.jht_idr,
                "discount_idr": row.discount_idr,
                "total_idr": row.total_idr,
            }
            for row in rows
        ],
        # Each discount programme once, with what it took off over the paid months (its own line).
        "discounts": [
            {"label": label, "total_idr": sum(r.discount_idr for r in rows if r.discount_label == label)}
            for label in dict.fromkeys(r.discount_label for r in rows if r.discount_label)
        ],
        "programmes": ["JKK", "JKM"] + (["JHT"] if any(r.jht_idr for r in rows) else []),
        "protected_until": participant.protected_until.isoformat() if participant.protected_until else None,
    }
    # A payment enters `settlement` once (the table has no way back into it), so this runs once per
    # payment; the one-to-one constraint refuses a second receipt anyway.
    return Receipt.objects.create(payment=payment, number=receipt_number(payment, paid_at), snapshot=snapshot)


def verification_token(receipt: Receipt) -> str:
    """`BPU-2026-03-00000042.<HMAC>`: short (a smaller QR code renders faster and scans better)."""
    return signing.Signer(salt=_SALT, sep=".").sign(receipt.number.replace("/", "-"))


def verification_url(receipt: Receipt) -> str:
    path = reverse("contributions:receipt_verify", kwargs={"token": verification_token(receipt)})
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def receipt_from_token(token: str) -> Receipt | None:
    """The receipt a verification token names, or None for a forged or unknown token."""
    try:
        number = signing.Signer(salt=_SALT, sep=".").unsign(token)
    except signing.BadSignature:
        return None
    return Receipt.objects.select_related("payment").filter(number=number.replace("-", "/")).first()


def receipt_is_valid(receipt: Receipt) -> bool:
    """A receipt stays valid while its payment is settled (refunded or denied payments void it)."""
    from contributions.models import PaymentStatus

    return receipt.payment.status == PaymentStatus.SETTLEMENT


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    import segno

    url = verification_url(receipt)
    # A fixed mask skips segno's search over 8 masks (any mask is valid; it only tunes readability).
    qr_svg = segno.make(url, error="m", mask=0, micro=False).svg_inline(scale=3, border=2)
    return {"receipt": receipt, "s": receipt.snapshot, "verify_url": url, "qr_svg": qr_svg}


def receipt_render_pdf(receipt: Receipt) -> bytes:
    from portal.pdf import render_pdf

    return render_pdf("contributions/receipt_pdf.html", receipt_context(receipt))


def receipt_render(*, receipt_id: int, force: bool = False) -> bool:
    """Render and store the PDF once. Returns False when it was already rendered (nothing done).

    Safe to run twice or concurrently: the file name is deterministic and the row is claimed with a
    lock, so a redelivered task after a worker crash renders at most one stored copy.
    """
    receipt = Receipt.objects.get(pk=receipt_id)
    if receipt.rendered_at and not force:
        return False
    pdf = receipt_render_pdf(receipt)  # outside the transaction: slow, and pure
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().get(pk=receipt_id)
        if locked.rendered_at and not force:
            return False
        name = f"{locked.number.replace('/', '-')}.pdf"
        if locked.pdf:
            locked.pdf.delete(save=False)
        locked.pdf.save(name, ContentFile(pdf), save=False)
        locked.rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "rendered_at"])
    return True
