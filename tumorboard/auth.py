"""The authentication backend: Django's ModelBackend, with the signed-in user and their permissions
read by prepared SQL statements.

ModelBackend reads a user's permissions with two ORM queries (the user's own, then their groups');
composing them costs Python more than the database needs to answer (≈1.5 ms per request on the
benchmark machine: every write and every live-panel post checks a permission, and every page's
`roles` context processor too). Here the same set comes from one prepared SQL statement. Same
semantics: inactive and anonymous users have no permission, object permissions are not supported,
a superuser has every permission (left to ModelBackend), and the set is cached on the user object
for the rest of the request (`_perm_cache`, ModelBackend's own attribute). Likewise the user of
each signed-in request is loaded by a raw query (`get_user`, same result as ModelBackend's).
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection


@functools.cache
def _permissions_sql() -> str:
    q = connection.ops.quote_name
    own = User.user_permissions.through._meta
    membership = User.groups.through._meta
    granted = Group.permissions.through._meta
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q('permission_id')} FROM {q(own.db_table)} WHERE {q('user_id')} = %s "
        f"UNION SELECT gp.{q('permission_id')} FROM {q(granted.db_table)} gp "
        f"JOIN {q(membership.db_table)} ug ON ug.{q('group_id')} = gp.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = %s)"
    )


@functools.cache
def _user_sql() -> str:
    q = connection.ops.quote_name
    return f"SELECT * FROM {q(User._meta.db_table)} WHERE {q(User._meta.pk.column)} = %s"


class PermissionBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(User._default_manager.raw(_user_sql(), [pk])), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}
        return user_obj._perm_cache


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than the field before anything else sees it.

    AuthenticationForm only sizes the input; without this, a 1 MB username reached the backends and
    django-axes stored it with each failure (and on PostgreSQL, over 255 characters, failed with 500).
    A refused username never reaches authenticate(), so it is neither counted nor stored.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        limit = User._meta.get_field("username").max_length or 150
        if len(username) > limit:
            raise forms.ValidationError(f"A username has at most {limit} characters.", code="max_length")
        return username


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in, with the same refusal of an overlong username."""

    clean_username = SignInForm.clean_username
