"""The documented backup procedure, end to end: scripts/backup_restore_check.sh dumps the test
database with pg_dump -Fc, restores it into a fresh database and compares every table's row count.
Runs where the tests run on PostgreSQL and pg_dump is installed (CI); skipped elsewhere."""

from __future__ import annotations

import glob
import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "backup_restore_check.sh"


def pg_dump_installed() -> bool:
    return bool(shutil.which("pg_dump") or glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))


def test_the_script_refuses_anything_but_postgresql() -> None:
    result = subprocess.run(
        ["bash", str(SCRIPT), "sqlite:///db.sqlite3"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "PostgreSQL DATABASE_URL is required" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_every_row() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the backup check needs PostgreSQL (CI runs the suite on it)")
    if not pg_dump_installed():
        pytest.skip("pg_dump is not installed")
    call_command("seed_demo", stdout=io.StringIO())  # cases, records, history, meetings, users
    settings = connection.settings_dict
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    url = (
        f"postgres://{quote(settings['USER'] or 'postgres', safe='')}{password}@{settings['HOST'] or 'localhost'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    result = subprocess.run(["bash", str(SCRIPT), url], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backup check: OK" in result.stdout
    assert "identical:" in result.stdout
