"""A shared cache's keys carry the release: answers rendered by other code are never served."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tumorboard.release import release_digest


def tree(root: Path, row: str) -> Path:
    (root / "templates" / "cases").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "cases" / "case_list.html").write_text(row)
    (root / "cases").mkdir(exist_ok=True)
    (root / "cases" / "worklist.py").write_text("ROWS = 50\n")
    (root / "tests").mkdir(exist_ok=True)
    return root


def test_a_changed_template_is_another_release(tmp_path: Path) -> None:
    before = release_digest(tree(tmp_path, "<tr>{{ row.label }}</tr>"))
    assert release_digest(tmp_path) == before  # the same files, the same release
    assert release_digest(tree(tmp_path, "<tr>{{ row.label }} {{ row.status }}</tr>")) != before


def test_a_changed_module_is_another_release_and_a_test_is_not(tmp_path: Path) -> None:
    before = release_digest(tree(tmp_path, "<tr></tr>"))
    (tmp_path / "tests" / "test_new.py").write_text("def test(): pass\n")
    assert release_digest(tmp_path) == before
    (tmp_path / "cases" / "worklist.py").write_text("ROWS = 25\n")
    assert release_digest(tmp_path) != before


def test_the_shared_caches_keys_carry_it() -> None:
    # Settings are read once per process: ask a new one, configured for Redis.
    root = Path(__file__).resolve().parents[1]
    env = {
        **os.environ,
        "DJANGO_CACHE": "redis",
        "DJANGO_SETTINGS_MODULE": "tumorboard.settings",
        "DJANGO_DEBUG": "true",
    }
    prefix = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert prefix == f"tumorboard:{release_digest(root)}"
