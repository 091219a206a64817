"""What the payment page shows per channel: its mark (our own lettering, not the brand's logo) and
numbered how-to-pay steps, and the tone of each payment status. View context only; no rules here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contributions.models import Channel, PaymentStatus

# (letters on the mark, kind: va | qris | wallet | store)
MARKS: dict[str, tuple[str, str]] = {
    Channel.BCA_VA: ("BCA", "va"),
    Channel.BNI_VA: ("BNI", "va"),
    Channel.BRI_VA: ("BRI", "va"),
    Channel.MANDIRI_BILL: ("MDR", "va"),
    Channel.PERMATA_VA: ("PMT", "va"),
    Channel.QRIS: ("QRIS", "qris"),
    Channel.GOPAY: ("GoPay", "wallet"),
    Channel.SHOPEEPAY: ("SPay", "wallet"),
    Channel.INDOMARET: ("IDM", "store"),
    Channel.ALFAMART: ("ALFA", "store"),
}

_BANK_APPS = {
    Channel.BCA_VA: ("BCA", "BCA mobile (m-BCA)", _("m-Transfer, lalu BCA Virtual Account")),
    Channel.BNI_VA: ("BNI", "BNI Mobile Banking", _("Transfer, lalu Virtual Account Billing")),
    Channel.BRI_VA: ("BRI", "BRImo", _("Pembayaran, lalu BRIVA")),
    Channel.PERMATA_VA: ("Permata", "PermataMobile X", _("Bayar Tagihan, lalu Virtual Account")),
}


def how_to_pay(channel: str) -> list[str]:
    """Numbered steps for `channel` (the template numbers them)."""
    if channel in _BANK_APPS:
        bank, app, menu = _BANK_APPS[Channel(channel)]
        return [
            str(
                _("Buka aplikasi %(app)s, internet banking, atau ATM %(bank)s.") % {"app": app, "bank": bank}
            ),
            str(_("Pilih menu %(menu)s.") % {"menu": menu}),
            str(_("Masukkan nomor virtual account di atas (salin dengan tombol Salin).")),
            str(_("Periksa nama dan jumlah tagihan, lalu konfirmasi dengan PIN.")),
        ]
    if channel == Channel.MANDIRI_BILL:
        return [
            str(_("Buka aplikasi Livin' by Mandiri atau ATM Mandiri.")),
            str(_("Pilih Bayar, lalu Multipayment.")),
            str(_("Masukkan kode perusahaan (biller code), lalu kode bayar (bill key) di atas.")),
            str(_("Periksa nama dan jumlah tagihan, lalu konfirmasi dengan PIN.")),
        ]
    if channel == Channel.QRIS:
        return [
            str(_("Buka aplikasi bank atau dompet digital yang mendukung QRIS.")),
            str(_("Pilih Bayar atau Scan, lalu pindai kode QR di atas.")),
            str(_("Periksa jumlah tagihan, lalu konfirmasi dengan PIN.")),
        ]
    if channel in (Channel.GOPAY, Channel.SHOPEEPAY):
        return [
            str(_("Tekan tombol Buka aplikasi di atas (di ponsel yang sama).")),
            str(_("Periksa jumlah tagihan di aplikasi.")),
            str(_("Konfirmasi dengan PIN; halaman ini diperbarui sendiri.")),
        ]
    return [
        str(_("Datang ke kasir minimarket sebelum batas waktu.")),
        str(_("Katakan Anda ingin membayar tagihan online, lalu tunjukkan kode pembayaran di atas.")),
        str(_("Bayar tunai sesuai jumlah tagihan dan simpan struknya.")),
    ]


STATUS_TONES: dict[str, str] = {
    PaymentStatus.NEW: "info",
    PaymentStatus.PENDING: "warning",
    PaymentStatus.SETTLEMENT: "success",
    PaymentStatus.EXPIRE: "neutral",
    PaymentStatus.CANCEL: "neutral",
    PaymentStatus.DENY: "danger",
    PaymentStatus.REFUND: "info",
    PaymentStatus.FAILED: "danger",
}
