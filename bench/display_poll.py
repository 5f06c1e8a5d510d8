"""Benchmark of the meeting display's polling endpoint: median server time of a poll when nothing
changed (the answer is 204), and, for comparison, when the coordinator moved (the new stage).

Runs in-process with Django's test client against a throwaway test database seeded with the demo
data (the upcoming demo meeting, 7 cases on its agenda), signed in as the demo viewer.

    DJANGO_DEBUG=true .venv/bin/python bench/display_poll.py [polls]

Target (issue 5): median under 20 ms when nothing changed.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumorboard.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def timed(client: Client, url: str, expected: int, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers={"HX-Request": "true"})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expected, response.status_code
    return times


def main(polls: int = 500) -> float:
    from meetings.demo import NEXT_MEETING
    from meetings.models import Meeting

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", stdout=io.StringIO())
        meeting = Meeting.objects.get(title=NEXT_MEETING)
        client = Client()
        client.force_login(User.objects.get(username="demo-viewer"))
        poll = f"/meetings/{meeting.pk}/present/poll/"
        unchanged = f"{poll}?v={meeting.display_version}"
        timed(client, unchanged, 204, 20)  # warm-up
        idle = timed(client, unchanged, 204, polls)
        changed = timed(client, f"{poll}?v=-1", 200, max(20, polls // 10))
        median = statistics.median(idle)
        print(
            f"poll, nothing changed (204): median {median:.2f} ms, p95 {sorted(idle)[int(len(idle) * 0.95)]:.2f} ms "
            f"over {polls} polls ({meeting.items.count()} cases on the agenda, {connection.vendor})"
        )
        print(f"poll, coordinator moved (200, new stage): median {statistics.median(changed):.1f} ms")
        print("target: median under 20 ms when nothing changed —", "met" if median < 20 else "NOT MET")
        return median
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
