"""The replica router's configuration and its behaviour without replicas (no standby needed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from portal import db_router
from portal.config import ConfigError, Env


def test_replica_urls_parse_into_database_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DATABASE_REPLICA_URLS", "postgres://u:p@10.0.0.2:5432/portal,postgres://u:p@10.0.0.3/portal"
    )
    configs = Env().db_urls("DATABASE_REPLICA_URLS")
    assert [(c["HOST"], c["PORT"], c["NAME"]) for c in configs] == [
        ("10.0.0.2", 5432, "portal"),
        ("10.0.0.3", "", "portal"),
    ]


def test_no_replica_urls_means_no_replicas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_REPLICA_URLS", raising=False)
    assert Env().db_urls("DATABASE_REPLICA_URLS") == []


def test_a_replica_url_that_is_not_postgres_is_a_named_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_REPLICA_URLS", "mysql://u:p@10.0.0.2/portal")
    with pytest.raises(ConfigError, match=r"DATABASE_REPLICA_URLS must point at PostgreSQL"):
        Env().db_urls("DATABASE_REPLICA_URLS")


def test_the_router_writes_and_migrates_on_the_primary_only() -> None:
    router = db_router.ReplicaRouter()
    assert router.db_for_write(object) == "default"
    assert router.db_for_read(object) is None  # outside a `@replica_reads` view: the primary
    assert router.allow_migrate("default", "participants") is True
    assert router.allow_migrate("replica_1", "participants") is False


@pytest.mark.django_db
def test_without_replicas_a_post_sets_no_cookie(client: Client, settings: Any) -> None:
    settings.DATABASE_REPLICAS = []
    response = client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert response.status_code == 302
    assert db_router.COOKIE not in response.cookies


def test_without_replicas_a_marked_view_reads_from_the_primary(settings: Any) -> None:
    settings.DATABASE_REPLICAS = []
    seen: list[str | None] = []

    @db_router.replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(db_router.reading_from())
        return HttpResponse("ok")

    assert view(RequestFactory().get("/")).status_code == 200
    assert seen == [None]


def test_a_post_to_a_marked_view_never_reads_from_a_replica(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATABASE_REPLICAS = ["replica_1"]
    monkeypatch.setattr(db_router, "pick_replica", lambda: "replica_1")
    seen: list[str | None] = []

    @db_router.replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(db_router.reading_from())
        return HttpResponse("ok")

    view(RequestFactory().post("/"))
    assert seen == [None]


def test_settings_build_one_pooled_test_mirror_alias_per_replica_url() -> None:
    from tests.portal.settings_loader import load_settings, production_environment

    loaded = load_settings(
        production_environment(
            DATABASE_REPLICA_URLS="postgres://u:p@10.0.0.2:5432/portal,postgres://u:p@10.0.0.3:5433/portal"
        )
    )
    assert loaded.DATABASE_REPLICAS == ["replica_1", "replica_2"]
    second = loaded.DATABASES["replica_2"]
    assert (second["HOST"], second["PORT"], second["TEST"]) == ("10.0.0.3", 5433, {"MIRROR": "default"})
    assert second["OPTIONS"]["pool"] == loaded.DATABASES["default"]["OPTIONS"]["pool"]
    assert loaded.DATABASE_ROUTERS == ["portal.db_router.ReplicaRouter"]
