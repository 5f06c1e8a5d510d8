"""tumorboard.auth.PermissionBackend and tumorboard.sessions answer exactly as Django's own."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
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
