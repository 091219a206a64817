""" "Data saya" as a PDF: asked in the request (a row), rendered by a worker through portal.pdf, served
privately to its owner, deleted after EXPORT_KEEP_HOURS by the sweep (it is a copy of personal data)."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from participants.models import User
from portal.pdf import render_pdf
from portal.personal_data import personal_data_of_user
from portal.uploads.cleanup import stored_uploads_delete_on_commit
from portal.uploads.services import new_storage_name, private_storage
from verification.models import PersonalDataExport

log = structlog.get_logger(__name__)

EXPORT_KEEP_HOURS = 24
STALE_AFTER = dt.timedelta(minutes=10)  # not rendered by then: the sweep queues it again


def personal_data_export_request(*, user: User) -> PersonalDataExport:
    """A new export, rendered after commit; the newest unfinished one is reused (a double click asks
    for one PDF, not two)."""
    from verification.tasks import render_personal_data_pdf  # the task module imports this one

    with transaction.atomic():
        pending = (
            PersonalDataExport.objects.filter(user=user, ready_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if pending is not None:
            return pending
        export = PersonalDataExport.objects.create(user=user)
        render_personal_data_pdf.delay_on_commit(str(export.pk))
    return export


def personal_data_export_get_for_user(*, user: User, export_id: uuid.UUID | str) -> PersonalDataExport:
    """One of the user's exports; 404 for anything else (another person's included)."""
    try:
        return PersonalDataExport.objects.get(user=user, pk=export_id)
    except (PersonalDataExport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def personal_data_export_render(*, export_id: str) -> bool:
    """Render the PDF once; False when the export is gone or already rendered (safe to run twice)."""
    export = PersonalDataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.ready_at is not None:
        return False
    sections = personal_data_of_user(user=export.user)
    pdf = render_pdf(
        "verification/my_data_pdf.html", {"sections": sections, "generated_at": timezone.localtime()}
    )
    name = private_storage().save(new_storage_name("pdf"), ContentFile(pdf))
    updated = PersonalDataExport.objects.filter(pk=export.pk, ready_at__isnull=True).update(
        file=name, ready_at=timezone.now()
    )
    if not updated:  # rendered twice at once: keep the first file
        private_storage().delete(name)
    log.info("personal_data.export_rendered", export_id=str(export.pk), stored=bool(updated))
    return bool(updated)


def personal_data_exports_sweep() -> tuple[list[str], int]:
    """(ids of exports still unrendered after STALE_AFTER, to queue again; how many old exports were
    deleted with their files)."""
    now = timezone.now()
    stale = [
        str(pk)
        for pk in PersonalDataExport.objects.filter(
            ready_at__isnull=True, created_at__lte=now - STALE_AFTER
        ).values_list("pk", flat=True)[:200]
    ]
    with transaction.atomic():
        old = list(
            PersonalDataExport.objects.select_for_update(skip_locked=True).filter(
                created_at__lte=now - dt.timedelta(hours=EXPORT_KEEP_HOURS)
            )[:500]
        )
        stored_uploads_delete_on_commit(e.file for e in old)
        PersonalDataExport.objects.filter(pk__in=[e.pk for e in old]).delete()
    return stale, len(old)
