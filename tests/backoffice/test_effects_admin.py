"""The admin list of pending effects: who sees it, what it shows, and "Kirim ulang sekarang"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.effects.models import Effect, EffectStatus
from tests.backoffice.conftest import make_staff, staff_client

LIST = "admin:portal_effect_changelist"


@pytest.fixture
def rows(db: None) -> dict[str, Effect]:
    now = timezone.now()
    made = {
        status: Effect.objects.create(
            task="claims.tasks.pay_claim", args=[n], status=status, due_at=now, attempts=n
        )
        for n, status in enumerate(EffectStatus.values)
    }
    Effect.objects.filter(pk=made["pending"].pk).update(created_at=now - dt.timedelta(hours=2))
    return made


@pytest.mark.parametrize(
    ("role", "status"),
    [("administrator", 200), ("supervisor", 200), ("auditor", 200), ("reviewer", 403), (None, 403)],
)
def test_who_sees_the_list(role: str | None, status: int, jkt: Any, rows: dict[str, Effect]) -> None:
    assert staff_client(make_staff(role, jkt)).get(reverse(LIST)).status_code == status


def test_the_list_shows_unfinished_effects_with_their_age(jkt: Any, rows: dict[str, Effect]) -> None:
    response = staff_client(make_staff("supervisor", jkt)).get(reverse(LIST))
    shown = [row.status for row in response.context["cl"].result_list]
    assert shown == ["pending", "started", "failed"]  # oldest first; done ones are history
    assert "2\xa0jam" in response.content.decode()
    done = staff_client(make_staff("supervisor", jkt)).get(reverse(LIST), {"status": "done"})
    assert [row.pk for row in done.context["cl"].result_list] == [rows["done"].pk]


def test_supervisor_sends_a_failed_effect_again(jkt: Any, rows: dict[str, Effect]) -> None:
    client = staff_client(make_staff("supervisor", jkt))
    client.post(
        reverse(LIST),
        {"action": "requeue_now", "_selected_action": [rows["failed"].pk, rows["done"].pk]},
    )
    rows["failed"].refresh_from_db()
    rows["done"].refresh_from_db()
    assert (rows["failed"].status, rows["failed"].attempts) == (EffectStatus.PENDING, 0)
    assert (rows["done"].status, rows["done"].attempts) == (EffectStatus.DONE, 2)


def test_auditor_has_no_action_and_nothing_is_editable(jkt: Any, rows: dict[str, Effect]) -> None:
    client = staff_client(make_staff("auditor", jkt))
    response = client.get(reverse(LIST))
    assert "requeue_now" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
    client.post(reverse(LIST), {"action": "requeue_now", "_selected_action": [rows["failed"].pk]})
    rows["failed"].refresh_from_db()
    assert rows["failed"].status == EffectStatus.FAILED
    change = client.get(reverse("admin:portal_effect_change", args=[rows["failed"].pk]))
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False
