"""Demo data for the antrian online: every demo branch offers the four services, Monday to Friday."""

from __future__ import annotations

import datetime as dt

from branches.models import BranchService, OpeningHours, ServiceKind
from participants.models import Branch

# (service, slot minutes, seats per slot)
DEMO_SERVICES = [
    (ServiceKind.KLAIM_JHT, 30, 6),
    (ServiceKind.PENGKINIAN_DATA, 30, 3),
    (ServiceKind.KARTU, 15, 2),
    (ServiceKind.KONSULTASI, 30, 4),
]
# Monday-Thursday 08:00-15:00, Friday 08:00-11:30 (Friday prayers), closed at weekends and holidays.
DEMO_HOURS = {0: (8, 0, 15, 0), 1: (8, 0, 15, 0), 2: (8, 0, 15, 0), 3: (8, 0, 15, 0), 4: (8, 0, 11, 30)}


def load_branch_services(branches: list[Branch]) -> list[str]:
    """Idempotent; returns one line per thing created."""
    created = []
    for branch in branches:
        for service, minutes, seats in DEMO_SERVICES:
            _, was_created = BranchService.objects.get_or_create(
                branch=branch, service=service, defaults={"slot_minutes": minutes, "capacity": seats}
            )
            if was_created:
                created.append(f"branch service {branch.code} {service}")
        for weekday, (oh, om, ch, cm) in DEMO_HOURS.items():
            _, was_created = OpeningHours.objects.get_or_create(
                branch=branch,
                weekday=weekday,
                defaults={"opens_at": dt.time(oh, om), "closes_at": dt.time(ch, cm)},
            )
            if was_created:
                created.append(f"opening hours {branch.code} {weekday}")
    return created
