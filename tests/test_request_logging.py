"""One JSON line per request on `tumorboard.request`, with no patient value in it."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.test_live_panel import form_data, refractory_case


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def request_log() -> Iterator[list[str]]:
    handler = Lines()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("tumorboard.request")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_preview_post_logs_no_form_value(member_client: Client, member, request_log: list[str]) -> None:  # type: ignore[no-untyped-def]
    case = refractory_case()
    data = form_data(member_client, case)
    data.update(
        {"albumin_g_dl": "3.9", "label": "PSEUDO-LABEL-7431", "contraindication_note": "note-text-9f2"}
    )
    request_log.clear()
    response = member_client.post(f"/cases/{case.pk}/preview/?albumin=3.9", data)
    assert response.status_code == 200
    assert len(request_log) == 1
    line = request_log[0]
    record = json.loads(line)
    assert record["method"] == "POST"
    assert record["path"] == f"/cases/{case.pk}/preview/"
    assert record["status"] == 200
    assert record["user_id"] == member.pk
    assert isinstance(record["duration_ms"], float)
    assert record["request_id"] == response["X-Request-ID"]
    uuid.UUID(record["request_id"])
    # Nothing else is in the line: the fields above are all it holds (a POST's query string is not
    # logged at all). The random fields (time, duration, id) may contain digits like "3.9" by chance,
    # so the search for form values runs over the rest.
    assert set(record) == {"ts", "request_id", "method", "path", "status", "duration_ms", "user_id"}
    rest = json.dumps({k: v for k, v in record.items() if k not in ("ts", "request_id", "duration_ms")})
    assert "3.9" not in rest and "albumin" not in line
    for value in data.values():
        if len(value) >= 3:  # short values ("0", "M", "hbv"…) can't be told apart from the line's own text
            assert value not in rest, value
    assert member.username not in line


def test_a_get_logs_the_query_keys_not_their_values(member_client: Client, request_log: list[str]) -> None:
    member_client.get("/cases/?q=HCC-0113&status=closed")
    record = json.loads(request_log[-1])
    assert record["path"] == "/cases/"
    assert record["query_keys"] == ["q", "status"]
    assert "HCC-0113" not in request_log[-1] and "closed" not in request_log[-1]


@pytest.mark.django_db
def test_anonymous_and_healthz_lines(client: Client, request_log: list[str]) -> None:
    client.get("/healthz")
    client.get("/cases/")
    health, redirect = (json.loads(line) for line in request_log)
    assert health["path"] == "/healthz" and health["status"] == 200 and health["user_id"] is None
    assert redirect["status"] == 302 and redirect["user_id"] is None


@pytest.mark.django_db
def test_a_proxy_request_id_is_kept_when_it_is_a_plain_token(client: Client, request_log: list[str]) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc123-def")["X-Request-ID"] == "abc123-def"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"status":200')["X-Request-ID"]
    uuid.UUID(forged)  # anything else is replaced by a fresh id
    assert all(json.loads(line) for line in request_log)
