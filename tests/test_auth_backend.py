"""tumorboard.auth.PermissionBackend and tumorboard.sessions answer exactly as Django's own."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import user_with_role
from tumorboard.auth import PermissionBackend
from tumorboard.sessions import SessionStore

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no permission cache


def test_permissions_match_model_backend() -> None:
    users = [
        user_with_role(name, role)
        for name, role in (("v", "viewer"), ("m", "board member"), ("c", "coordinator"), ("none", None))
    ]
    direct = user_with_role("direct", "viewer")
    direct.user_permissions.add(Permission.objects.get(codename="change_case"))
    inactive = user_with_role("inactive", "coordinator")
    inactive.is_active = False
    inactive.save()
    root = user_with_role("root", None)
    root.is_superuser = True
    root.save()
    for user in [*users, direct, inactive, root]:
        ours, django = PermissionBackend(), ModelBackend()
        assert ours.get_all_permissions(fresh(user)) == django.get_all_permissions(fresh(user)), user.username
        for perm in ("cases.change_case", "cases.add_case", "cases.view_case", "meetings.manage_meetings"):
            assert ours.has_perm(fresh(user), perm) == django.has_perm(fresh(user), perm), (
                user.username,
                perm,
            )
    assert PermissionBackend().get_all_permissions(AnonymousUser()) == set()
    assert "cases.change_case" in PermissionBackend().get_all_permissions(fresh(direct))


def test_get_user_matches_model_backend() -> None:
    active = user_with_role("a", "viewer")
    inactive = user_with_role("i", "viewer")
    inactive.is_active = False
    inactive.save()
    for user_id in (active.pk, str(active.pk), inactive.pk, 999_999, "not-a-number"):
        ours = PermissionBackend().get_user(user_id)
        try:
            django = ModelBackend().get_user(user_id)
        except ValueError:
            django = None
        assert (ours and ours.pk) == (django and django.pk), user_id
    loaded = PermissionBackend().get_user(active.pk)
    assert loaded.username == "a" and loaded.date_joined == active.date_joined


def test_sessions_load_as_djangos_and_know_their_stored_expiry() -> None:
    store = SessionStore()
    store["answer"] = 42
    store.create()
    ours, django = SessionStore(store.session_key), DjangoStore(store.session_key)
    assert ours["answer"] == django["answer"] == 42
    assert ours.stored_expiry == Session.objects.get(session_key=store.session_key).expire_date
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert dict(expired.items()) == {} and expired.session_key is None and expired.stored_expiry is None
    assert dict(SessionStore("no-such-key-000000000000000000000").items()) == {}


def test_the_signed_in_user_comes_with_their_permissions_in_one_query(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    member = user_with_role("m", "board member")
    with django_assert_num_queries(1):
        loaded = PermissionBackend().get_user(member.pk)
        assert loaded.has_perm("cases.change_case") and not loaded.has_perm("cases.add_case")
    assert loaded.get_all_permissions() == ModelBackend().get_all_permissions(fresh(member))
    nobody = PermissionBackend().get_user(user_with_role("n", None).pk)
    assert nobody.get_all_permissions() == set()


def test_a_role_removed_is_gone_at_the_next_request() -> None:
    member = user_with_role("m", "board member")
    assert PermissionBackend().get_user(member.pk).has_perm("cases.change_case")
    member.groups.clear()
    assert not PermissionBackend().get_user(member.pk).has_perm("cases.change_case")


def test_a_signed_in_session_key_names_the_user_and_the_old_key_is_gone(client: Client) -> None:
    member = user_with_role("m", "board member")
    client.get("/login/")  # a session before signing in (the sign-in form's)
    client.force_login(member)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key.startswith(f"{member.pk}-") and len(key) <= 40
    assert list(Session.objects.values_list("session_key", flat=True)) == [key]


def test_a_signed_in_request_reads_its_session_and_user_in_one_statement(client: Client) -> None:
    client.force_login(user_with_role("m", "board member"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    sessions = [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]
    users = [q["sql"] for q in queries.captured_queries if '"auth_user"' in q["sql"]]
    assert len(sessions) == 1 and users == sessions  # the same statement


def signed_in_as(user: User, key_user: User) -> Client:
    """A browser holding a session of `user` stored under a key naming `key_user`."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tumorboard.auth.PermissionBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    key = f"{key_user.pk}-{'k' * 32}"
    Session.objects.create(
        session_key=key,
        session_data=store.encode(store._get_session(no_load=True)),
        expire_date=timezone.now() + datetime.timedelta(hours=1),
    )
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = key
    return browser


def test_the_id_in_a_key_never_signs_in_another_user() -> None:
    viewer, coordinator = user_with_role("v", "viewer"), user_with_role("c", "coordinator")
    response = signed_in_as(viewer, key_user=coordinator).get("/cases/")
    assert response.status_code == 200 and response.wsgi_request.user == viewer
    assert not response.wsgi_request.user.has_perm("cases.add_case")  # the viewer's permissions


def test_a_role_removed_or_an_account_disabled_counts_from_the_next_request(client: Client) -> None:
    member = user_with_role("m", "board member")
    client.force_login(member)
    case_page = "/cases/new/"
    assert client.get("/cases/").wsgi_request.user.has_perm("cases.change_case")
    member.groups.clear()
    assert client.get("/cases/").status_code == 403  # no role: nothing to read
    member.is_active = False
    member.save()
    assert client.get(case_page).status_code == 302  # signed out: to the sign-in page
