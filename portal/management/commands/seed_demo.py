"""Load the demonstration data for development. Idempotent: a second run changes nothing.

Each app adds its own demo records here as it grows; the logins are printed by `make run`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from participants.models import User

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - development data only, listed in the README
DEMO_STAFF = [
    {"email": "admin@demo.portalpeserta.id", "first_name": "Admin", "last_name": "Demo"},
]


class Command(BaseCommand):
    help = "Create the demo accounts and data (development only; safe to run repeatedly)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--force", action="store_true", help="allow running with DJANGO_DEBUG=false")

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo only runs with DJANGO_DEBUG=true (or --force).")
        created = 0
        for spec in DEMO_STAFF:
            user, was_created = User.objects.get_or_create(
                email=spec["email"],
                defaults={
                    "first_name": spec["first_name"],
                    "last_name": spec["last_name"],
                    "is_staff": True,
                    "is_superuser": True,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
        self.stdout.write(f"seed_demo: {created} created, {len(DEMO_STAFF) - created} unchanged")
