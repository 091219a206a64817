"""The two questions the record answers but a KTP does not: the last employer (one of four names) and
the year of the first contribution.

The options depend on the typed KPJ only, never on whether the NIK or date of birth matched, and they
are the same on every visit (decoys drawn by a generator seeded with an HMAC of the KPJ): a visitor
who tries again, or with other data, learns nothing from what is shown. Decoys come from the other
employers in the database; the fixed list only fills in when there are too few (a fresh database), since
a list published with the code would be easy to rule out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import random

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.models import Contribution, Employer, Employment, Participant

OPTION_COUNT = 4
NO_EMPLOYER = "-"  # the answer of a participant who never had an employer (BPU)
NO_CONTRIBUTION = "-"
OLDEST_YEAR = 1977  # the programme's first year (Astek)

_FILL_IN = (
    "PT Sinar Abadi Sentosa",
    "PT Karya Mandiri Utama",
    "CV Berkah Jaya Makmur",
    "PT Nusantara Prima Logistik",
    "PT Cahaya Baru Indonesia",
    "CV Mitra Sejahtera",
)


def _rng(kpj: str) -> random.Random:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"verification-decoys:{kpj}".encode(), hashlib.sha256)
    return random.Random(digest.hexdigest())  # noqa: S311 - a stable shuffle, not a secret


def last_employer(participant: Participant | None) -> Employer | None:
    """The employer of the KPJ's most recent employment (latest start), if any."""
    if participant is None:
        return None
    employment = (
        Employment.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-start_date", "-pk")
        .first()
    )
    return employment.employer if employment else None


def employer_options(*, kpj: str, participant: Participant | None) -> list[str]:
    """Four employer names in a stable order: the last employer of `participant` (when it has one)
    and decoys. The caller adds the "no employer" choice."""
    rng = _rng(kpj)
    real = last_employer(participant)
    names: list[str] = [real.name] if real else []
    others = Employer.objects.order_by("pk")
    if real is not None:
        others = others.exclude(pk=real.pk)
    total = others.count()
    wanted = OPTION_COUNT - len(names)
    for index in rng.sample(range(total), k=min(total, wanted * 2)):
        name = others.values_list("name", flat=True)[index]
        if name not in names:
            names.append(name)
        if len(names) == OPTION_COUNT:
            break
    for name in rng.sample(_FILL_IN, k=len(_FILL_IN)):
        if len(names) == OPTION_COUNT:
            break
        if name not in names:
            names.append(name)
    rng.shuffle(names)
    return names


def employer_options_for_kpj(kpj: str) -> list[str]:
    """`employer_options` for a typed KPJ, whether or not it exists (the form's step 2)."""
    return employer_options(kpj=kpj, participant=Participant.objects.filter(kpj=kpj).first())


def employer_choices(options: list[str]) -> list[tuple[str, str]]:
    return [
        *((name, name) for name in options),
        (NO_EMPLOYER, str(_("Tidak ada, saya peserta mandiri (BPU)"))),
    ]


def year_choices(today: dt.date | None = None) -> list[tuple[str, str]]:
    year = (today or timezone.localdate()).year
    years = [(str(y), str(y)) for y in range(year, OLDEST_YEAR - 1, -1)]
    return [("", str(_("Pilih tahun"))), *years, (NO_CONTRIBUTION, str(_("Belum pernah ada iuran")))]


def first_contribution_year(participant: Participant | None) -> str:
    """The year of the KPJ's first contribution month as the form's value, or NO_CONTRIBUTION."""
    if participant is None:
        return NO_CONTRIBUTION
    first = Contribution.objects.filter(participant=participant).aggregate(first=Min("period"))["first"]
    return str(first.year) if first else NO_CONTRIBUTION


def expected_employer_answer(participant: Participant | None) -> str:
    real = last_employer(participant)
    return real.name if real else NO_EMPLOYER
