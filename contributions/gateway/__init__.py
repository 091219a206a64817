"""Payment gateways behind one protocol. `get_gateway()` returns the one `PAYMENT_GATEWAY` selects."""

from __future__ import annotations

from django.conf import settings

from contributions.gateway.protocol import PaymentGateway


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.PAYMENT_GATEWAY
    if name == "midtrans":
        from contributions.gateway.midtrans import MidtransGateway

        return MidtransGateway.from_settings()
    if name == "fake":
        from contributions.gateway.fake import FakeGateway

        return FakeGateway.from_settings()
    raise ValueError(f"unknown payment gateway {name!r}")
