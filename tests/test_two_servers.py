"""Two app servers behind one proxy, sharing PostgreSQL (SQLite outside CI) and one Redis cache.

What a board needs from a scaled-out deployment: an edit saved through one server is what the
other server shows at once (no stale page from the shared cache), and losing Redis loses no
write and breaks no page: the servers serve uncached and say "degraded" on /healthz.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Browser, RedisServer, gunicorn, manage, own_database, production_env

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def lab_rows_with_afp(page: str, afp: str) -> bool:
    return re.search(rf"\b{afp[0]},?{afp[1:]}\b", page) is not None


def test_an_edit_through_one_server_is_seen_through_the_other_and_redis_loss_costs_nothing(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    with own_database(tmp_path) as database_url:
        env = production_env(database_url, DJANGO_CACHE="redis", REDIS_URL=redis_server.url)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        with gunicorn(env, tmp_path / "a.log") as a, gunicorn(env, tmp_path / "b.log") as b:
            browser = Browser()  # one browser; the proxy sends its requests to either server
            assert browser.submit(a, "/login/", username="demo-member", password="tumorboard-demo") == 302
            status, case_list = browser.get(b, "/cases/")  # the session (in the database) holds on B
            assert status == 200
            case_pk = re.findall(r"/cases/(\d+)/", case_list)[0]
            page = f"/cases/{case_pk}/"

            # B renders the case page and keeps it in Redis.
            assert browser.get(b, page)[0] == 200
            assert browser.get(b, page)[0] == 200
            assert redis_server.keys() > 0

            # A new lab saved through A is on B's page at once.
            assert browser.submit(a, f"{page}labs/add/", date="2026-01-02", afp_ng_ml="7311") == 302
            status, shown = browser.get(b, page)
            assert status == 200 and lab_rows_with_afp(shown, "7311")

            # Redis goes away: saving still works, both servers still serve, and say "degraded".
            redis_server.stop()
            started = time.monotonic()
            assert browser.submit(a, f"{page}labs/add/", date="2026-01-03", afp_ng_ml="8423") == 302
            status, shown = browser.get(b, page)
            assert status == 200 and lab_rows_with_afp(shown, "8423")
            assert time.monotonic() - started < 5  # uncached, not stuck on Redis time-outs
            for server in (a, b):
                status, body = browser.get(server, "/healthz")
                assert (status, body) == (200, "degraded: cache unreachable, serving uncached\n")

            # Redis is back: the servers use it again (health is re-checked every 5 s).
            redis_server.start()
            deadline = time.monotonic() + 15
            while browser.get(b, "/healthz")[1] != "ok\n":
                assert time.monotonic() < deadline, "B never saw Redis again"
                time.sleep(0.5)
            assert browser.get(b, page)[0] == 200

        logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
        assert "Internal Server Error" not in logs and "Traceback" not in logs
        # One warning per worker per minute, not one per request (2 servers × 2 workers).
        assert 1 <= logs.count("Redis unreachable") <= 4
