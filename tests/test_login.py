"""Sign-in throttling (django-axes) and the 12-hour idle session expiry."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import user_with_role

PASSWORD = "pw-for-tests-only"  # tests.factories.user_with_role


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Dozens of password checks per test: a fast hasher (the throttling does not depend on it)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1", url: str = "/login/"):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_ten_failures_lock_the_user_at_that_address_even_with_the_right_password(client: Client) -> None:
    user_with_role("alice", "board member")
    for _ in range(9):
        assert sign_in(client, "alice", "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, "alice", "wrong").status_code == 429  # the tenth failure locks
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in paused for 15 minutes" in page and "alice" in page
    assert 'href="/login/"' in page


@pytest.mark.django_db
def test_the_lock_is_per_user_and_address(client: Client) -> None:
    user_with_role("alice", "board member")
    user_with_role("bob", "viewer")
    for _ in range(10):
        sign_in(client, "alice", "wrong")
    # Another user from the same address signs in.
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    assert signed_in(client)
    # The same user from another address too.
    other = Client()
    assert sign_in(other, "alice", PASSWORD, ip="10.0.0.2").status_code == 302
    assert signed_in(other)


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(client: Client) -> None:
    user_with_role("alice", "board member")
    for _ in range(10):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    # A quarter of an hour passes (the failures are dated back).
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_nine_failures_then_success_resets_the_count(client: Client) -> None:
    user_with_role("alice", "board member")
    for _ in range(9):
        sign_in(client, "alice", "wrong")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(9):
        assert sign_in(client, "alice", "wrong").status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_admin_sign_in_is_throttled_too(client: Client) -> None:
    admin = user_with_role("root", None)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    for _ in range(10):
        sign_in(client, "root", "wrong", url="/admin/login/")
    response = sign_in(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert not signed_in(client)


@pytest.mark.django_db
def test_forged_forwarding_headers_do_not_evade_the_lock(client: Client) -> None:
    """Without a trusted proxy the address is REMOTE_ADDR, whatever headers the client sends."""
    user_with_role("alice", "board member")
    for n in range(10):
        client.post(
            "/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            HTTP_X_REAL_IP=f"198.51.100.{n}",
        )
    response = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
        HTTP_X_REAL_IP="198.51.100.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_follows_the_address_the_proxy_reports(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    # What DJANGO_BEHIND_PROXY=true sets: the proxy's X-Real-IP names the client.
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    proxy = "10.0.0.254"
    settings.TRUSTED_PROXIES = [proxy]  # DJANGO_TRUSTED_PROXIES
    user_with_role("alice", "board member")
    for _ in range(10):
        client.post(
            "/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_REAL_IP="203.0.113.5",
        )
    locked = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_REAL_IP="203.0.113.5",
    )
    assert locked.status_code == 429
    elsewhere = Client().post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_REAL_IP="203.0.113.6",
    )
    assert elsewhere.status_code == 302


def test_throttling_settings() -> None:
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_FAILURE_LIMIT == 10
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- session expiry -------------------------------------------------------------------------------


def test_sessions_expire_after_12_hours_idle() -> None:
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    # The cookie ends with the browser (shared workstations); the server still ends an idle session.
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    # The clock is renewed by tumorboard.middleware.SessionRenewalMiddleware at most once a minute,
    # instead of SESSION_SAVE_EVERY_REQUEST's write on every request.
    assert settings.SESSION_ENGINE == "tumorboard.sessions"
    assert "tumorboard.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_RENEW_SECONDS == 60


def _session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _age(client: Client, seconds: int) -> None:
    """Make the session as if its last request was `seconds` ago."""
    row = _session_row(client)
    row.expire_date = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    row.save()


@pytest.mark.django_db
def test_a_request_renews_the_idle_clock(client: Client) -> None:
    user_with_role("alice", "viewer")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    _age(client, 11 * 3600 + 59 * 60)  # idle for 11 h 59 min: still signed in
    assert client.get("/cases/").status_code == 200
    remaining = _session_row(client).expire_date - timezone.now()
    assert remaining > datetime.timedelta(hours=11, minutes=59)  # the clock starts again


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_rewrite_the_session(client: Client) -> None:
    user_with_role("alice", "viewer")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    _age(client, 30)  # last stored 30 s ago
    before = _session_row(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]
    assert _session_row(client).expire_date == before
    _age(client, 61)  # more than a minute: renewed
    client.get("/cases/")
    assert _session_row(client).expire_date - timezone.now() > datetime.timedelta(
        hours=11, minutes=59, seconds=30
    )


@pytest.mark.django_db
def test_twelve_hours_idle_signs_the_user_out(client: Client) -> None:
    user_with_role("alice", "viewer")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    _age(client, 12 * 3600 + 1)
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
def test_the_display_poll_does_not_keep_an_idle_session_alive(client: Client) -> None:
    from tests.meetings.factories import MeetingFactory

    meeting = MeetingFactory()
    user_with_role("alice", "viewer")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    _age(client, 3600)
    before = _session_row(client).expire_date
    assert client.get(f"/meetings/{meeting.pk}/present/poll/?v=0").status_code in (200, 204)
    assert _session_row(client).expire_date == before  # the screen polled; the user did nothing
    client.get("/cases/")
    assert _session_row(client).expire_date > before  # a person's request renews it


@pytest.mark.django_db
def test_a_direct_client_cannot_choose_its_address_behind_a_proxy(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    """With DJANGO_BEHIND_PROXY, X-Real-IP is believed only from DJANGO_TRUSTED_PROXIES: a client
    reaching the app port directly is counted by its own address, whatever it sends."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    settings.TRUSTED_PROXIES = ["10.0.0.254"]
    user_with_role("alice", "board member")
    for n in range(10):
        client.post(
            "/login/",
            {"username": "alice", "password": "wrong"},
            REMOTE_ADDR="192.0.2.7",
            HTTP_X_REAL_IP=f"198.51.100.{n}",
        )
    response = client.post(
        "/login/",
        {"username": "alice", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_REAL_IP="198.51.100.99",
    )
    assert response.status_code == 429


@pytest.mark.django_db
@pytest.mark.parametrize("length", [151, 256, 1_000_000])
def test_an_overlong_username_is_refused_before_throttling(client: Client, length: int) -> None:
    response = sign_in(client, "a" * length, "wrong")
    assert response.status_code == 200
    assert "150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # nothing stored, nothing counted


@pytest.mark.django_db
def test_a_session_ends_24_hours_after_sign_in_however_active(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    user_with_role("alice", "board member")
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert client.get("/cases/").status_code == 200
    session = client.session
    session["signed_in_at"] -= settings.SESSION_MAX_SECONDS + 1
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not signed_in(client)


def test_session_defaults() -> None:
    assert settings.SESSION_MAX_SECONDS == 24 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.django_db
def test_the_session_cookie_ends_with_the_browser(client: Client) -> None:
    user_with_role("alice", "board member")
    response = sign_in(client, "alice", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]


@pytest.mark.django_db
def test_an_overlong_username_is_refused_by_the_admin_sign_in_too(client: Client) -> None:
    response = sign_in(client, "a" * 300, "wrong", url="/admin/login/")
    assert response.status_code == 200 and "150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()
