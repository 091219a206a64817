"""Assisted identity verification: a person without a usable contact on record proves who they are with
a KTP photo, a selfie holding the KTP, two questions only the record answers, and a video call with
branch staff. The request is stored whether or not the typed identity matched a KPJ (the visitor is
never told); staff see the match and the answers.

The images are biometric, specific personal data under UU PDP 27/2022: they are kept only while the
request needs them (`images_delete_after`), deleted at once when consent is withdrawn, and every
consent given is recorded (`VerificationConsent`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VerificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima, menunggu petugas")
    CALL_SCHEDULED = "call_scheduled", _("Panggilan video dijadwalkan")
    CALL_DONE = "call_done", _("Panggilan video selesai")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan (persetujuan ditarik)")


OPEN_STATUSES = frozenset(
    {VerificationStatus.SUBMITTED, VerificationStatus.CALL_SCHEDULED, VerificationStatus.CALL_DONE}
)


class RejectReason(models.TextChoices):
    """Why staff refused, in words the person understands (shown on the status page and in the notice)."""

    IDENTITY_MISMATCH = "identity_mismatch", _("Data yang Anda isi tidak cocok dengan data kepesertaan")
    PHOTO_UNCLEAR = "photo_unclear", _("Foto KTP atau swafoto tidak jelas")
    FACE_MISMATCH = "face_mismatch", _("Wajah pada swafoto tidak sesuai dengan foto KTP")
    CALL_MISSED = "call_missed", _("Panggilan video tidak terjawab")
    CALL_FAILED = "call_failed", _("Identitas tidak dapat dipastikan dalam panggilan video")
    HAS_ACCOUNT = "has_account", _("KPJ ini sudah punya akun online; silakan datang ke kantor cabang")


class ConsentPurpose(models.TextChoices):
    IDENTITY_CHECK = "identity_check", _("Pemeriksaan identitas oleh petugas (foto KTP dan swafoto)")
    FACE_MATCH = "face_match", _("Pencocokan wajah otomatis dengan data kependudukan")


class VerificationRequest(models.Model):
    """One request. `participant` is the KPJ the visitor typed when it exists (even when the NIK or date
    of birth did not match, so that its branch sees attempts on its participants); `identity_matched`
    says whether NIK + KPJ + date of birth all matched. Only a matched request can be approved."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    participant = models.ForeignKey(
        "participants.Participant",
        verbose_name=_("peserta"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verification_requests",
        editable=False,
    )
    # The KPJ's branch; none when the KPJ does not exist (then only national staff see it).
    branch = models.ForeignKey(
        "participants.Branch",
        verbose_name=_("kantor cabang"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    kpj = models.CharField(_("KPJ yang diisi"), max_length=11, editable=False)
    nik_index = models.CharField(max_length=64, editable=False)  # blind index of the typed NIK
    birth_date = models.DateField(_("tanggal lahir yang diisi"), editable=False)
    identity_matched = models.BooleanField(
        _("NIK, KPJ dan tanggal lahir cocok"), default=False, editable=False
    )
    # The contact the person wants to use; it becomes the contact on record only on approval.
    email = models.EmailField(_("email yang diberikan"), editable=False)
    phone = models.CharField(_("nomor HP yang diberikan"), max_length=20, blank=True, editable=False)
    language = models.CharField(max_length=5, default="id", editable=False)

    # Private uploads (portal.uploads); "" once deleted.
    ktp_image = models.CharField(max_length=200, blank=True, editable=False)
    ktp_content_type = models.CharField(max_length=40, blank=True, editable=False)
    selfie_image = models.CharField(max_length=200, blank=True, editable=False)
    selfie_content_type = models.CharField(max_length=40, blank=True, editable=False)
    images_delete_after = models.DateTimeField(_("gambar dihapus setelah"), editable=False)
    images_deleted_at = models.DateTimeField(_("gambar dihapus pada"), null=True, blank=True, editable=False)

    # The two questions: the options shown, the answers given and whether they match the record.
    employer_options = models.JSONField(default=list, editable=False)
    employer_answer = models.CharField(_("jawaban pemberi kerja terakhir"), max_length=200, editable=False)
    employer_correct = models.BooleanField(default=False, editable=False)
    first_year_answer = models.CharField(_("jawaban tahun iuran pertama"), max_length=10, editable=False)
    first_year_correct = models.BooleanField(default=False, editable=False)
    answers_correct = models.PositiveSmallIntegerField(_("jawaban benar"), default=0, editable=False)

    # The automated face match (IdentityVerifier), run only with the person's consent; advice for staff.
    verifier_name = models.CharField(max_length=60, blank=True, editable=False)
    verifier_score = models.DecimalField(
        _("skor pencocokan wajah"), max_digits=4, decimal_places=3, null=True, blank=True, editable=False
    )
    verifier_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VerificationStatus.choices,
        default=VerificationStatus.SUBMITTED,
        editable=False,
    )
    call_at = models.DateTimeField(_("jadwal panggilan video"), null=True, blank=True, editable=False)
    call_link = models.URLField(_("tautan panggilan video"), blank=True, editable=False)
    call_recorded_at = models.DateTimeField(
        _("panggilan dicatat pada"), null=True, blank=True, editable=False
    )
    call_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas panggilan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    call_note = models.TextField(_("catatan panggilan"), blank=True, editable=False)
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    reject_reason = models.CharField(
        _("alasan penolakan"), max_length=20, choices=RejectReason.choices, blank=True, editable=False
    )
    decision_note = models.TextField(_("catatan keputusan"), blank=True, editable=False)

    # Assisted activation after approval: a single-use link to the given email (hash only).
    activation_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    activation_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    activated_at = models.DateTimeField(_("akun diaktifkan"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("verifikasi identitas")
        verbose_name_plural = _("verifikasi identitas")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(
                fields=["images_delete_after"],
                condition=Q(images_deleted_at__isnull=True),
                name="verif_images_to_delete",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answers_correct__lte=2), name="verification_answers_correct_at_most_two"
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Verifikasi')} {self.kpj} {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_images(self) -> bool:
        return bool(self.ktp_image or self.selfie_image)


class VerificationConsent(models.Model):
    """One consent given for one request and purpose, with the exact text version shown (UU PDP art. 20
    and 22: specific, informed, recorded). Withdrawal is a timestamp; the row itself is kept as proof."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("tujuan"), max_length=20, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("versi teks"), max_length=20)
    given_at = models.DateTimeField(_("diberikan"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)

    class Meta:
        verbose_name = _("persetujuan data pribadi")
        verbose_name_plural = _("persetujuan data pribadi")
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "purpose"], name="verification_one_consent_per_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"


class VerificationHistory(models.Model):
    """Every move of a request: who (staff, or none for the person), from, to, note, when."""

    request = models.ForeignKey(VerificationRequest, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("riwayat verifikasi")
        verbose_name_plural = _("riwayat verifikasi")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class PersonalDataExport(models.Model):
    """A PDF of "Data saya", rendered by a worker (never in the request) and kept in the private storage
    for EXPORT_KEEP_HOURS; then the sweep deletes the file and the row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_data_exports"
    )
    file = models.CharField(max_length=200, blank=True)  # storage name once rendered
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ekspor data saya")
        verbose_name_plural = _("ekspor data saya")
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
