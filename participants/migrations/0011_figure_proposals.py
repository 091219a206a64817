"""Figure changes under maker-checker: the proposal table (participants/rates/proposals.py)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0010_rate_no_overlap"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("rate_add", "Tarif baru"),
                            ("rate_end", "Tanggal akhir tarif"),
                            ("development_set", "Tingkat pengembangan JHT"),
                            ("discount_add", "Program diskon baru"),
                            ("discount_end", "Bulan terakhir program diskon"),
                        ],
                        max_length=20,
                        verbose_name="jenis perubahan",
                    ),
                ),
                ("payload", models.JSONField(verbose_name="nilai yang diusulkan")),
                ("summary", models.CharField(max_length=255, verbose_name="perubahan")),
                ("target_id", models.PositiveIntegerField(blank=True, null=True, verbose_name="baris")),
                ("source", models.CharField(max_length=255, verbose_name="sumber")),
                ("reason", models.TextField(verbose_name="alasan")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Menunggu persetujuan"),
                            ("approved", "Disetujui dan berlaku di tabel"),
                            ("rejected", "Ditolak"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("proposed_at", models.DateTimeField(auto_now_add=True, verbose_name="diusulkan pada")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="diputuskan pada")),
                ("decision_note", models.TextField(blank=True, verbose_name="catatan keputusan")),
                ("before", models.JSONField(blank=True, default=list, verbose_name="sebelum")),
                ("after", models.JSONField(blank=True, default=list, verbose_name="sesudah")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diputuskan oleh",
                    ),
                ),
                (
                    "proposed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="diusulkan oleh",
                    ),
                ),
            ],
            options={
                "verbose_name": "usulan perubahan angka",
                "verbose_name_plural": "usulan perubahan angka",
                "ordering": ["-proposed_at", "-pk"],
                "permissions": [("approve_figureproposal", "Can approve figure changes (checker)")],
                "indexes": [models.Index(fields=["status", "kind"], name="figureproposal_status_kind")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("reason", ""), _negated=True), name="figureproposal_has_reason"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("source", ""), _negated=True), name="figureproposal_has_source"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decided_by__isnull", True),
                            models.Q(("decided_by", models.F("proposed_by")), _negated=True),
                            _connector="OR",
                        ),
                        name="figureproposal_maker_is_not_checker",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("decided_at__isnull", True),
                                ("decided_by__isnull", True),
                                ("status", "pending"),
                            ),
                            models.Q(
                                models.Q(("status", "pending"), _negated=True),
                                ("decided_at__isnull", False),
                                ("decided_by__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="figureproposal_decided_when_not_pending",
                    ),
                ],
            },
        ),
    ]
