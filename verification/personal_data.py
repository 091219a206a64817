""" "Data saya" sections of the identity layer (the KPJs, their contacts, employments and contribution
summary, the account) and of assisted verification (requests and consents), for portal.personal_data."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from participants.models import Contribution, Employment, Participant, User
from portal.personal_data import Section
from verification.consent import consent_text
from verification.selectors import verification_requests_of_user


def identity_section(user: User) -> Section:
    """Every KPJ of the account with identity, contacts on record, employments and a contribution
    summary (counts and first/last month from one grouped query; the balance from its row)."""
    participants = list(
        Participant.objects.filter(user=user)
        .select_related("branch", "jht_balance")
        .order_by("registered_on", "kpj")
    )
    ids = [p.pk for p in participants]
    employments: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for e in (
        Employment.objects.filter(participant_id__in=ids).select_related("employer").order_by("start_date")
    ):
        employments[e.participant_id].append(
            {"employer": e.employer.name, "start": e.start_date, "end": e.end_date}
        )
    summary: dict[int, Any] = {
        row["participant_id"]: row
        for row in Contribution.objects.filter(participant_id__in=ids)
        .values("participant_id")
        .annotate(months=Count("pk"), first=Min("period"), last=Max("period"))
    }
    rows = []
    for p in participants:
        balance = getattr(p, "jht_balance", None)
        contributions = summary.get(p.pk, {})
        rows.append(
            {
                "kpj": p.kpj,
                "nik": p.nik,
                "full_name": p.full_name,
                "birth_date": p.birth_date,
                "sex": p.get_sex_display(),
                "address": p.address,
                "email": p.email,
                "phone": p.phone,
                "category": p.get_category_display(),
                "status": p.get_status_display(),
                "branch": p.branch.name,
                "registered_on": p.registered_on,
                "employments": employments[p.pk],
                "contribution_months": contributions.get("months", 0),
                "first_contribution_month": contributions.get("first"),
                "last_contribution_month": contributions.get("last"),
                "jht_balance_idr": balance.balance_idr if balance else 0,
            }
        )
    account = {"email": user.email, "name": user.get_full_name(), "joined": user.date_joined}
    return Section(key="participants", title=_("Identitas dan kepesertaan"), rows=rows, summary=account)


def verification_section(user: User) -> Section | None:
    """The assisted verification requests made for the account's KPJs and the consents given in them."""
    requests = list(verification_requests_of_user(user=user))
    if not requests:
        return None
    rows = [
        {
            "created_at": r.created_at,
            "status": r.get_status_display(),
            "email": r.email,
            "phone": r.phone,
            "images_kept": r.has_images,
            "images_deleted_at": r.images_deleted_at,
            "face_match_score": str(r.verifier_score) if r.verifier_score is not None else None,
            "consents": [
                {
                    "purpose": c.get_purpose_display(),
                    "text_version": c.text_version,
                    "text": consent_text(c.text_version),
                    "given_at": c.given_at,
                    "withdrawn_at": c.withdrawn_at,
                }
                for c in r.consents.all()
            ],
        }
        for r in requests
    ]
    return Section(key="verification_requests", title=_("Verifikasi identitas dan persetujuan"), rows=rows)
