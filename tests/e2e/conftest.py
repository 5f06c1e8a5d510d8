"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against the live server.

Never `playwright install`: hospitals' and CI's networks cannot download browsers. Without
Chromium the tests skip with a message, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# live_server + Playwright's sync API run Django ORM calls from a thread with an event loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    message = f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium"
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI: {message}")
    skip = pytest.mark.skip(reason=message)
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def sign_in(live_server: Any, page: Any) -> Callable[[str], Any]:
    """Sign in through the login form as a demo user; returns the page."""

    def do(username: str = "demo-coordinator") -> Any:
        return sign_in_page(page, live_server.url, username)

    return do


def sign_in_page(page: Any, base_url: str, username: str) -> Any:
    """Sign `page` in through the login form as a demo user (any browser context)."""
    from django.conf import settings

    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/cases/")
    return page


@pytest.fixture
def screenshot(page: Any) -> Callable[[str], Path]:
    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
