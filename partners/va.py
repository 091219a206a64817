"""Iuran BPU by KPJ number through a partner: SNAP "transfer-va" inquiry (service 24) and payment
(service 25), with the portal as the biller and the KPJ as the customer number.

The amount is the web page's: `contributions.billing.bill_preview` (declared income, programmes and
discounts in force). The payment is credited by `contributions.collected.payment_record_collected`, the
same crediting as a gateway settlement, in the transaction that journals the request, so a payment is
credited exactly once: the journal (X-EXTERNAL-ID), the inquiry row lock, the one-payment-per-inquiry
constraint and the months held once each stop a second credit.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import structlog
from django.db import IntegrityError, transaction
from django.utils import timezone

from contributions.billing import ALLOWED_MONTHS, Bill, BillingError, bill_preview
from contributions.collected import payment_record_collected
from contributions.models import Receipt
from contributions.services import OpenPaymentExists
from participants.models import Category, MembershipStatus, Participant, StatusReason
from partners import codes
from partners.auth import Caller, SnapError
from partners.journal import Answer
from partners.models import Inquiry, PartnerPayment
from partners.signatures import format_timestamp
from portal.masking import mask_name

log = structlog.get_logger(__name__)

_KPJ = re.compile(r"^[0-9]{11}$")
_AMOUNT = re.compile(r"^[0-9]{1,16}\.[0-9]{2}$")
# Nonaktif for these reasons is final: the KPJ's balance moved or was paid out. Nonaktif for unpaid
# months is payable: paying reactivates (docs/contributions.md).
_CLOSED_REASONS = {StatusReason.MERGED, StatusReason.CLAIMED}


def money(amount_idr: int) -> dict[str, str]:
    return {"value": f"{amount_idr}.00", "currency": "IDR"}


def parse_money(value: Any, field: str, service: str) -> int:
    """Whole rupiah from `{"value": "12345.00", "currency": "IDR"}`; SnapError otherwise."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        raise SnapError(codes.INVALID_MANDATORY_FIELD, f"{field}.value")
    if value.get("currency") != "IDR":
        raise SnapError(codes.INVALID_FIELD_FORMAT, f"{field}.currency")
    if not _AMOUNT.match(value["value"]):
        raise SnapError(codes.INVALID_FIELD_FORMAT, f"{field}.value")
    try:
        amount = Decimal(value["value"])
    except InvalidOperation:
        raise SnapError(codes.INVALID_FIELD_FORMAT, f"{field}.value") from None
    if amount != amount.to_integral_value():
        raise SnapError(codes.INVALID_AMOUNT, "IDR has no cents")
    return int(amount)


def _string(payload: dict[str, Any], field: str, max_length: int) -> str:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise SnapError(codes.INVALID_MANDATORY_FIELD, field)
    if len(value) > max_length:
        raise SnapError(codes.INVALID_FIELD_FORMAT, field)
    return value


def _va_fields(caller: Caller, payload: dict[str, Any]) -> tuple[str, str, str]:
    """(partnerServiceId as sent, customerNo = KPJ, virtualAccountNo as sent), checked for consistency."""
    service_id = _string(payload, "partnerServiceId", 8)
    customer_no = _string(payload, "customerNo", 20).strip()
    va_no = _string(payload, "virtualAccountNo", 28)
    if service_id.strip() != caller.partner.partner_service_id:
        raise SnapError(codes.INVALID_FIELD_FORMAT, "partnerServiceId")
    if not _KPJ.match(customer_no):
        raise SnapError(codes.INVALID_FIELD_FORMAT, "customerNo")
    # Implementers pad partnerServiceId with spaces (the standard) or zeros; compare without padding.
    if va_no.replace(" ", "").lstrip("0") != (caller.partner.partner_service_id + customer_no).lstrip("0"):
        raise SnapError(codes.INVALID_FIELD_FORMAT, "virtualAccountNo")
    return service_id, customer_no, va_no


def _reason(indonesia: str, english: str) -> dict[str, str]:
    return {"english": english, "indonesia": indonesia}


def _refusal(case: codes.Case, service: str, va: dict[str, Any], indonesia: str, english: str) -> Answer:
    status_key = "inquiryStatus" if service == codes.VA_INQUIRY else "paymentFlagStatus"
    reason_key = "inquiryReason" if service == codes.VA_INQUIRY else "paymentFlagReason"
    data = {**va, status_key: "01", reason_key: _reason(indonesia, english)}
    return case.http_status, codes.body(case, service, virtualAccountData=data)


def _payable(participant: Participant) -> tuple[str, str] | None:
    """Why the KPJ cannot be paid through a partner (Indonesian, English), or None."""
    if participant.category != Category.BPU:
        return (
            "Iuran mandiri hanya untuk peserta Bukan Penerima Upah (BPU).",
            "Only self-paying (BPU) participants can be paid here.",
        )
    if participant.status == MembershipStatus.NONAKTIF and participant.status_reason in _CLOSED_REASONS:
        return ("Kepesertaan ini sudah ditutup.", "This membership is closed.")
    return None


def _bill_details(bill: Bill) -> list[dict[str, Any]]:
    return [
        {
            "billCode": f"{i:02d}",
            "billNo": f"{m.period:%Y%m}",
            "billName": f"Iuran BPU {m.period:%m/%Y}",
            "billShortName": f"BPU {m.period:%m/%Y}",
            "billDescription": _reason(
                f"Iuran BPU bulan {m.period:%m/%Y}", f"BPU contribution {m.period:%m/%Y}"
            ),
            "billAmount": money(m.total_idr),
        }
        for i, m in enumerate(bill.months, start=1)
    ]


def inquiry(caller: Caller, payload: dict[str, Any]) -> Answer:
    """The amount due for the next unpaid month(s) of the KPJ, or a clear "not payable". Records the
    quote under `inquiryRequestId`; asking again under the same id refreshes an unpaid quote."""
    service = codes.VA_INQUIRY
    service_id, kpj, va_no = _va_fields(caller, payload)
    inquiry_request_id = _string(payload, "inquiryRequestId", 128)
    extra = payload.get("additionalInfo")
    if not isinstance(extra, dict):
        extra = {}
    months = extra.get("months", 1)
    if months not in ALLOWED_MONTHS or isinstance(months, bool):
        raise SnapError(codes.INVALID_FIELD_FORMAT, "additionalInfo.months")
    va: dict[str, Any] = {
        "partnerServiceId": service_id,
        "customerNo": kpj,
        "virtualAccountNo": va_no,
        "inquiryRequestId": inquiry_request_id,
    }
    participant = Participant.objects.select_related("bpu_profile").filter(kpj=kpj).first()
    if participant is None:
        return _refusal(
            codes.BILL_NOT_FOUND,
            service,
            va,
            "Nomor peserta tidak ditemukan.",
            "Participant number not found.",
        )
    va["virtualAccountName"] = mask_name(participant.full_name)
    why = _payable(participant)
    if why is not None:
        return _refusal(codes.NOT_PAYABLE, service, va, *why)
    previous = Inquiry.objects.filter(partner=caller.partner, inquiry_request_id=inquiry_request_id).first()
    if previous is not None and previous.participant_id != participant.pk:
        raise SnapError(codes.INCONSISTENT_REQUEST, "inquiryRequestId")
    if previous is not None and PartnerPayment.objects.filter(inquiry=previous).exists():
        return _refusal(
            codes.PAID_BILL, service, va, "Tagihan ini sudah dibayar.", "This bill has been paid."
        )
    if participant.payments.filter(status__in=["new", "pending"]).exists():
        return _refusal(
            codes.NOT_PAYABLE,
            service,
            va,
            "Masih ada pembayaran iuran yang belum selesai di portal.",
            "Another payment for this participant is in progress.",
        )
    try:
        bill = bill_preview(participant=participant, months=months)
    except BillingError as exc:
        return _refusal(
            codes.PAID_BILL if "jauh ke depan" in str(exc) else codes.NOT_PAYABLE,
            service,
            va,
            str(exc),
            "Not payable.",
        )
    quote = {"first_period": bill.first_period, "months": len(bill.months), "amount_idr": bill.total_idr}
    if previous is None:
        try:
            with transaction.atomic():
                Inquiry.objects.create(
                    partner=caller.partner,
                    inquiry_request_id=inquiry_request_id,
                    participant=participant,
                    **quote,
                )
        except IntegrityError:  # a concurrent inquiry under the same inquiryRequestId got there first
            raise SnapError(codes.CONFLICT, "inquiryRequestId") from None
    else:
        Inquiry.objects.filter(pk=previous.pk).update(**quote)
    data = {
        **va,
        "inquiryStatus": "00",
        "inquiryReason": _reason("Sukses", "Success"),
        "totalAmount": money(bill.total_idr),
        "feeAmount": money(0),
        "virtualAccountTrxType": "C",  # closed amount: pay exactly the bill
        "billDetails": _bill_details(bill),
        "additionalInfo": {
            "months": len(bill.months),
            "firstPeriod": f"{bill.first_period:%Y-%m}",
            "lastPeriod": f"{bill.last_period:%Y-%m}",
        },
    }
    return 200, codes.body(codes.SUCCESS, service, virtualAccountData=data)


def payment(caller: Caller, payload: dict[str, Any]) -> Answer:
    """Credit the money the partner collected for an inquiry, once. The amount must be the quoted one
    and still be what the bill comes to now; otherwise nothing is credited and the partner should
    reverse the collection (paymentFlagStatus "01")."""
    service = codes.VA_PAYMENT
    service_id, kpj, va_no = _va_fields(caller, payload)
    request_id = _string(payload, "paymentRequestId", 128)
    paid_idr = parse_money(payload.get("paidAmount"), "paidAmount", service)
    reference_no = str(payload.get("referenceNo") or "")[:64]
    va: dict[str, Any] = {
        "partnerServiceId": service_id,
        "customerNo": kpj,
        "virtualAccountNo": va_no,
        "paymentRequestId": request_id,
        "paidAmount": money(paid_idr),
    }
    found = (
        Inquiry.objects.select_for_update(of=("self",))
        .select_related("participant__bpu_profile")
        .filter(partner=caller.partner, inquiry_request_id=request_id)
        .first()
    )
    if found is None:
        return _refusal(
            codes.BILL_NOT_FOUND,
            service,
            va,
            "Tidak ada inquiry untuk pembayaran ini.",
            "No inquiry for this payment.",
        )
    participant = found.participant
    if participant.kpj != kpj:
        raise SnapError(codes.INCONSISTENT_REQUEST, "customerNo")
    va["virtualAccountName"] = mask_name(participant.full_name)
    if PartnerPayment.objects.filter(inquiry=found).exists():
        return _refusal(
            codes.PAID_BILL, service, va, "Tagihan ini sudah dibayar.", "This bill has been paid."
        )
    if paid_idr != found.amount_idr:
        return _refusal(
            codes.INVALID_AMOUNT, service, va, "Jumlah berbeda dari tagihan.", "Amount differs from the bill."
        )
    try:
        bill = bill_preview(participant=participant, months=found.months)
    except BillingError as exc:
        return _refusal(codes.NOT_PAYABLE, service, va, str(exc), "Not payable.")
    if bill.first_period != found.first_period:
        return _refusal(
            codes.PAID_BILL, service, va, "Bulan tagihan ini sudah dibayar.", "These months have been paid."
        )
    if bill.total_idr != found.amount_idr:
        return _refusal(
            codes.INVALID_AMOUNT,
            service,
            va,
            "Tagihan berubah; lakukan inquiry ulang.",
            "The bill changed; inquire again.",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            credited = payment_record_collected(
                participant=participant,
                bill=bill,
                source="partner",
                reason=f"{caller.partner.client_id} {request_id}"[:200],
            )
            PartnerPayment.objects.create(
                partner=caller.partner,
                inquiry=found,
                payment=credited,
                payment_request_id=request_id,
                reference_no=reference_no,
                channel_id=caller.channel_id,
                paid_amount_idr=paid_idr,
                paid_at=now,
            )
    except OpenPaymentExists:
        return _refusal(
            codes.NOT_PAYABLE,
            service,
            va,
            "Masih ada pembayaran iuran yang belum selesai di portal.",
            "Another payment is in progress.",
        )
    except IntegrityError:
        # The months (or this payment request) were taken by a concurrent payment: nothing credited here.
        return _refusal(
            codes.PAID_BILL, service, va, "Bulan tagihan ini sudah dibayar.", "These months have been paid."
        )
    log.info("snap.payment_credited", client_id=caller.partner.client_id, order_id=credited.order_id)
    data = {
        **va,
        "paymentFlagStatus": "00",
        "paymentFlagReason": _reason("Sukses", "Success"),
        "totalAmount": money(credited.amount_idr),
        "trxDateTime": format_timestamp(now),
        "referenceNo": reference_no,
        "billDetails": _bill_details(bill),
        "additionalInfo": {
            "receiptNumber": Receipt.objects.filter(payment=credited).values_list("number", flat=True).get(),
            "firstPeriod": f"{bill.first_period:%Y-%m}",
            "lastPeriod": f"{bill.last_period:%Y-%m}",
        },
    }
    return 200, codes.body(codes.SUCCESS, service, virtualAccountData=data)
