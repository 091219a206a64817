from django.http import HttpRequest
from django.template.response import TemplateResponse


def home(request: HttpRequest) -> TemplateResponse:
    """Public home page: what the portal does and where to start."""
    return TemplateResponse(request, "portal/home.html")


def design_examples(request: HttpRequest) -> TemplateResponse:
    """The design system's living examples (development only, mounted at /_dev/design/ when DEBUG):
    every component of docs/design.md rendered from its real include with sample data."""
    import datetime as dt

    from django.utils import timezone

    from portal.next_action import DANGER, INFO, SUCCESS, WARNING, Action

    now = timezone.now()
    context = {
        "alerts": [
            Action(
                10,
                DANGER,
                "KPJ 23010000044: perlindungan berakhir Jumat, 31 Juli 2026",
                "Bayar iuran bulan ini agar Anda terlindungi kembali; tidak ada denda.",
                "Aktifkan kembali",
                "#",
            ),
            Action(
                40,
                WARNING,
                "KPJ 11111111111: 2 bulan tanpa iuran",
                "Iuran PU dibayar oleh pemberi kerja.",
                "Lihat riwayat iuran",
                "#",
            ),
            Action(
                60,
                INFO,
                "Klaim JHT Anda sedang diproses: Diperiksa petugas",
                "Kami memberi tahu Anda lewat email atau SMS bila ada perubahan.",
            ),
            Action(100, SUCCESS, "Semua beres", "Anda terlindungi sampai Kamis, 31 Desember 2026."),
        ],
        "badges": [
            ("success", "Aktif"),
            ("warning", "Menunggu pembayaran"),
            ("danger", "Nonaktif"),
            ("info", "Diperiksa petugas"),
            ("neutral", "Draf"),
        ],
        "steps": [
            ("Sebab klaim", "done"),
            ("Data diri", "done"),
            ("Dokumen", "current"),
            ("Rekening bank", ""),
            ("Periksa dan ajukan", ""),
        ],
        "events": [
            (now - dt.timedelta(days=3, hours=2), "Diajukan"),
            (now - dt.timedelta(days=2), "Diverifikasi otomatis"),
            (now - dt.timedelta(hours=5), "Diperiksa petugas"),
        ],
        "rows": [("Desember 2026", 10_000, 6_800, 70_000), ("Januari 2027", 10_000, 6_800, 70_000)],
    }
    return TemplateResponse(request, "portal/design_examples.html", context)
