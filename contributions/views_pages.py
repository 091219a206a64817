"""Participant pages of iuran mandiri (bayar iuran, payment status, riwayat pembayaran) and the public
simulator. Thin: a form parses input, a service writes or a selector reads, a template renders.

Every page works without JavaScript; htmx only swaps named partials (bill preview, simulator results)
and polls the payment status every 3 seconds, stopped with HTTP 286 once the payment is final.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseStopPolling

from contributions import simulation
from contributions.billing import Bill, BillingError, bill_preview
from contributions.forms import (
    CHANNEL_GROUPS,
    BpuSimulationForm,
    JakonSimulationForm,
    MonthsForm,
    PayForm,
    PmiSimulationForm,
    PuSimulationForm,
)
from contributions.models import Channel, Payment
from contributions.models import PaymentStatus as S
from contributions.pay_guide import MARKS, STATUS_TONES, how_to_pay
from contributions.selectors import (
    bpu_participant_get_for_user,
    open_payment_of_annotated,
    payment_get_for_user,
    payments_of_user,
)
from contributions.services import (
    OpenPaymentExists,
    PaymentAlreadyPaid,
    PaymentError,
    payment_cancel,
    payment_create,
)
from contributions.simulator import simulation_run
from participants.models import Category, Participant
from participants.rates.selectors import rate_table_on
from participants.views.access import owned, owned_participant, request_user
from portal.db_router import replica_reads
from portal.htmx import is_htmx_fragment_request, render_page_or_partial

VA_CHANNELS = {Channel.BCA_VA, Channel.BNI_VA, Channel.BRI_VA, Channel.PERMATA_VA}
STORE_CHANNELS = {Channel.INDOMARET, Channel.ALFAMART}
WALLET_CHANNELS = {Channel.GOPAY, Channel.SHOPEEPAY}

# --- Simulasi iuran (public) ------------------------------------------------------------------------

SEGMENTS = ("bpu", "pu", "pmi", "jakon")


@replica_reads
@require_GET
def simulate(request: HttpRequest) -> HttpResponse:
    """One page, four forms. The submitted segment (`segmen`) is bound and computed; htmx asks for
    that segment's result partial only."""
    rates = rate_table_on(timezone.localdate())
    segment = request.GET.get("segmen", "")
    data = request.GET if segment in SEGMENTS else None
    tiers = simulation.pmi_jht_tiers(rates)
    forms: dict[str, Any] = {
        "bpu": BpuSimulationForm(data if segment == "bpu" else None, prefix="bpu"),
        "pu": PuSimulationForm(data if segment == "pu" else None, prefix="pu"),
        "pmi": PmiSimulationForm(data if segment == "pmi" else None, prefix="pmi", jht_tiers=tiers),
        "jakon": JakonSimulationForm(data if segment == "jakon" else None, prefix="jakon"),
    }
    results: dict[str, Any] = {}
    form = forms.get(segment)
    if form is not None and form.is_valid():
        try:
            results[segment] = simulation_run(
                segment=segment, params=form.cleaned_data, on=rates.on, rates=rates
            )[1]
        except simulation.SimulationError:
            form.add_error(None, _("Data yang diisi di luar batas tabel tarif yang berlaku."))
    context = {"forms": forms, "results": results, "segment": segment, "rates_on": rates.on}
    partial = f"result_{segment}" if segment in SEGMENTS else "result_bpu"
    # Always 200: a calculator answering "out of range" is not a failed request, and htmx does not swap 4xx.
    return render_page_or_partial(request, "contributions/simulate.html", partial, context)


# --- Bayar iuran --------------------------------------------------------------------------------------


def _pay_context(participant: Participant, **extra: Any) -> dict[str, Any]:
    return {"participant": participant, "channel_groups": CHANNEL_GROUPS, **extra}


def _preview(request: HttpRequest, participant: Participant, months: int) -> tuple[Bill | None, str]:
    # `participant` came through owned_participant (scoped to the user): no need to fetch it again.
    try:
        bill = bill_preview(participant=participant, months=months)
    except BillingError as exc:
        return None, str(exc)
    return bill, ""


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET: choose months and channel (bill preview swaps by htmx). POST without `confirm`: the
    confirmation page. POST with `confirm`: create the payment (idempotent) and go to its page."""
    user = request_user(request)
    # One query: the KPJ (scoped to the user), its BPU profile and the id of its open payment.
    participant = owned(
        request,
        "participant",
        public_id,
        lambda: bpu_participant_get_for_user(user=user, public_id=public_id),
    )
    if participant.category != Category.BPU:
        context = _pay_context(
            participant, error=_("Iuran mandiri hanya untuk peserta Bukan Penerima Upah (BPU).")
        )
        return TemplateResponse(
            request, "contributions/pay.html", context, status=200 if request.method == "GET" else 400
        )
    open_payment = open_payment_of_annotated(participant)
    if open_payment is not None:
        return TemplateResponse(
            request,
            "contributions/pay.html",
            _pay_context(participant, open_payment=open_payment),
            status=200 if request.method == "GET" else 409,
        )
    if request.method == "GET":
        months_form = MonthsForm(request.GET)
        months = (months_form.cleaned_data["months"] if months_form.is_valid() else None) or 1
        bill, error = _preview(request, participant, months)
        form = PayForm(initial={"months": months})
        context = _pay_context(participant, form=form, bill=bill, error=error)
        return render_page_or_partial(request, "contributions/pay.html", "bill", context)

    form = PayForm(request.POST)
    if not form.is_valid():
        bill, error = _preview(request, participant, 1)
        return TemplateResponse(
            request, "contributions/pay.html", _pay_context(participant, form=form, bill=bill), status=400
        )
    months, channel = form.cleaned_data["months"], form.cleaned_data["channel"]
    bill, error = _preview(request, participant, months)
    if bill is None:
        return TemplateResponse(
            request, "contributions/pay.html", _pay_context(participant, form=form, error=error), status=400
        )
    if "confirm" not in request.POST:
        context = _pay_context(
            participant, bill=bill, months=months, channel=channel, channel_label=Channel(channel).label
        )
        return TemplateResponse(request, "contributions/pay_confirm.html", context)
    try:
        payment = payment_create(
            user=user, participant_public_id=participant.public_id, months=months, channel=channel
        )
    except OpenPaymentExists as exc:
        messages.warning(request, str(exc))
        return redirect("contributions:payment", public_id=exc.payment.public_id)
    except (BillingError, PaymentError) as exc:
        context = _pay_context(participant, form=form, bill=bill, error=str(exc))
        return TemplateResponse(request, "contributions/pay.html", context, status=400)
    return redirect("contributions:payment", public_id=payment.public_id)


# --- Payment page ------------------------------------------------------------------------------------


def _remaining(expires_at: dt.datetime) -> str:
    seconds = int((expires_at - timezone.now()).total_seconds())
    if seconds <= 0:
        return _("Waktu pembayaran sudah habis.")
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if hours:
        return ngettext("%(h)d jam %(m)d menit lagi", "%(h)d jam %(m)d menit lagi", hours) % {
            "h": hours,
            "m": minutes,
        }
    return ngettext("%(m)d menit lagi", "%(m)d menit lagi", max(minutes, 1)) % {"m": max(minutes, 1)}


def _payment_context(payment: Payment) -> dict[str, Any]:
    qr_svg = ""
    if payment.is_open and payment.qr_string:
        # segno draws an <svg> with a path and no style attribute: safe under the CSP, no image request.
        qr_svg = mark_safe(segno.make(payment.qr_string, error="m").svg_inline(scale=5, title=_("Kode QRIS")))  # noqa: S308
    receipt = getattr(payment, "receipt", None) if payment.status == S.SETTLEMENT else None
    return {
        "payment": payment,
        "months": list(payment.month_rows.all()),
        "remaining": _remaining(payment.expires_at),
        "qr_svg": qr_svg,
        "is_va": payment.channel in VA_CHANNELS,
        "is_store": payment.channel in STORE_CHANNELS,
        "is_wallet": payment.channel in WALLET_CHANNELS,
        "receipt": receipt,
        "mark": MARKS.get(payment.channel, ("", "va")),
        "steps": how_to_pay(payment.channel),
        "status_tone": STATUS_TONES.get(payment.status, "neutral"),
    }


def _owned_payment(request: HttpRequest, public_id: uuid.UUID) -> Payment:
    return owned(
        request,
        "payment",
        public_id,
        lambda: payment_get_for_user(user=request_user(request), public_id=public_id),
    )


@login_required
@never_cache
@require_GET
def payment_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    payment = _owned_payment(request, public_id)
    return render_page_or_partial(request, "contributions/payment.html", "status", _payment_context(payment))


@login_required
@never_cache
@require_GET
def payment_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The polled fragment. 286 stops htmx polling once the payment is final; without htmx (the
    "Perbarui status" link) it goes back to the full page."""
    payment = _owned_payment(request, public_id)
    if not is_htmx_fragment_request(request):
        return redirect("contributions:payment", public_id=payment.public_id)
    html = render_to_string("contributions/payment.html#status", _payment_context(payment), request=request)
    response = HttpResponse(html) if payment.is_open else HttpResponseStopPolling(html)
    response["Vary"] = "HX-Request"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def payment_cancel_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST cancels (idempotent)."""
    payment = _owned_payment(request, public_id)
    if request.method == "POST":
        try:
            payment_cancel(user=request_user(request), public_id=payment.public_id)
        except PaymentAlreadyPaid as exc:
            # Not a failure for the participant: the money arrived and is credited.
            messages.info(request, str(exc))
        except PaymentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Pembayaran dibatalkan. Tidak ada tagihan yang perlu dibayar."))
        return redirect("contributions:payment", public_id=payment.public_id)
    return TemplateResponse(request, "contributions/payment_cancel.html", {"payment": payment})


# --- Riwayat pembayaran -------------------------------------------------------------------------------


@replica_reads
@login_required
@never_cache
@require_GET
def payment_history(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    participant = owned_participant(request, public_id)
    payments = list(payments_of_user(user=request_user(request), participant_public_id=participant.public_id))
    return render_page_or_partial(
        request,
        "contributions/payment_history.html",
        "payments",
        {"participant": participant, "payments": payments},
    )
