"""The shared Redis cache (DJANGO_CACHE=redis): it serves the case pages from Redis while Redis
answers, and when it does not the app serves uncached, fast, with one warning a minute and a
"degraded" health check."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import CaseFactory, LabFactory
from tests.servers import RedisServer
from tumorboard import cache as shared_cache


@pytest.fixture
def redis_cache(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[RedisServer]:  # type: ignore[no-untyped-def]
    server = RedisServer()
    server.start()
    monkeypatch.setattr(shared_cache, "outage", shared_cache._Outage())
    settings.CACHES = {"default": {"BACKEND": "tumorboard.cache.ResilientRedisCache", "LOCATION": server.url}}
    yield server
    server.stop()


@pytest.mark.django_db
def test_case_pages_are_kept_in_redis_and_an_edit_is_shown_at_once(
    redis_cache: RedisServer, viewer_client: Client
) -> None:
    case = CaseFactory()
    LabFactory(case=case, afp_ng_ml=4242)
    client = viewer_client
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert redis_cache.keys() >= 1
    LabFactory(case=case, afp_ng_ml=5353)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "5353" in page.replace(",", "")


@pytest.mark.django_db
def test_without_redis_pages_are_served_uncached_with_one_warning(
    redis_cache: RedisServer, viewer_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    case = CaseFactory()
    client = viewer_client
    redis_cache.stop()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="tumorboard.cache"):
        for _ in range(5):
            assert client.get(f"/cases/{case.pk}/").status_code == 200
        assert cache.get("anything", "missed") == "missed"
        cache.set("anything", 1)  # a write to a missing Redis is a no-op, not an error
    assert time.monotonic() - started < 5
    warnings = [record for record in caplog.records if "Redis unreachable" in record.getMessage()]
    assert len(warnings) == 1


@pytest.mark.django_db
def test_healthz_says_degraded_while_redis_is_away_and_ok_when_it_is_back(redis_cache: RedisServer) -> None:
    client = Client()
    assert client.get("/healthz").content == b"ok\n"
    redis_cache.stop()
    shared_cache.outage.checked_at = -shared_cache.HEALTH_CHECK_SECONDS  # the next check pings
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (
        200,
        b"degraded: cache unreachable, serving uncached\n",
    )
    redis_cache.start()
    shared_cache.outage.checked_at = -shared_cache.HEALTH_CHECK_SECONDS
    assert client.get("/healthz").content == b"ok\n"
