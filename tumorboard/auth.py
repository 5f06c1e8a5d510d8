"""The authentication backend: Django's ModelBackend, with the signed-in user and their permissions
read by prepared SQL statements.

ModelBackend reads a user's permissions with two ORM queries (the user's own, then their groups');
composing them costs Python more than the database needs to answer (≈1.5 ms per request on the
benchmark machine: every write and every live-panel post checks a permission, and every page's
`roles` context processor too). Here the same set comes from one prepared SQL statement. Same
semantics: inactive and anonymous users have no permission, object permissions are not supported,
a superuser has every permission (left to ModelBackend), and the set is cached on the user object
for the rest of the request (`_perm_cache`, ModelBackend's own attribute). Likewise the user of
each signed-in request is loaded by a raw query (`get_user`, same result as ModelBackend's), and
that same statement brings the user's permissions along: a signed-in request that checks a
permission (every page, every live-panel post) makes one round trip to the database for the user
instead of two — or none of its own when the session key names the user, who is then read by the
session's statement (tumorboard/sessions.py) and handed over here. Permissions are read on every
request, never kept across requests, so removing a role takes effect on the user's next request.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, TypeVar

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def _labels_sql(select: str, user: str) -> str:
    """SELECT `select` over the permissions (p, with their content type ct) granted to `user` directly
    or through a group; `user` is a parameter (%s) or a column of an outer query."""
    q = connection.ops.quote_name
    own = User.user_permissions.through._meta
    membership = User.groups.through._meta
    granted = Group.permissions.through._meta
    return (
        f"SELECT {select} FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q('permission_id')} FROM {q(own.db_table)} WHERE {q('user_id')} = {user} "
        f"UNION SELECT gp.{q('permission_id')} FROM {q(granted.db_table)} gp "
        f"JOIN {q(membership.db_table)} ug ON ug.{q('group_id')} = gp.{q('group_id')} "
        f"WHERE ug.{q('user_id')} = {user})"
    )


def _label() -> str:
    q = connection.ops.quote_name
    return f"ct.{q('app_label')} || '.' || p.{q('codename')}"  # "cases.change_case"


@functools.cache
def _permissions_sql() -> str:
    return _labels_sql(_label(), "%s")


@functools.cache
def user_columns_sql() -> str:
    """The columns of a user `u`: their row, their permissions joined by spaces (`tb_permissions`) and
    their groups' names (`tb_groups`). Read by `_user_sql` and, with the session, by tumorboard/sessions.py."""
    q = connection.ops.quote_name
    pk = q(User._meta.pk.column)
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    permissions = _labels_sql(f"{aggregate}({_label()}, ' ')", f"u.{pk}")
    membership = User.groups.through._meta
    groups = (  # the role names every page shows beside the user's name (cases/context_processors.py)
        f"SELECT {aggregate}(g.{q('name')}, '|') FROM {q(Group._meta.db_table)} g "
        f"JOIN {q(membership.db_table)} ug ON ug.{q('group_id')} = g.{q('id')} WHERE ug.{q('user_id')} = u.{pk}"
    )
    # Columns by name, not `u.*`: a prepared statement (settings.DATABASES) whose `*` would take in
    # a column added by a migration fails on PostgreSQL ("cached plan must not change result type").
    columns = ", ".join(f"u.{q(field.column)}" for field in User._meta.concrete_fields)  # as model_from_row
    return f"{columns}, ({permissions}) AS tb_permissions, ({groups}) AS tb_groups"


@functools.cache
def _user_sql() -> str:
    q = connection.ops.quote_name
    return (
        f"SELECT {user_columns_sql()} FROM {q(User._meta.db_table)} u WHERE u.{q(User._meta.pk.column)} = %s"
    )


@functools.cache
def _converters(model: type[Model], vendor: str) -> list[tuple[Any, list[Any]]]:
    """Per column of the model: (the column, the backend's and the field's converters), as the ORM
    applies them (SQLite returns dates as text, for instance)."""
    return [
        (
            column := field.get_col(model._meta.db_table),
            connection.ops.get_db_converters(column) + field.get_db_converters(connection),  # type: ignore[attr-defined]
        )
        for field in model._meta.concrete_fields
    ]


def model_from_row(model: type[M], values: Sequence[Any]) -> M:
    """An instance of `model` from the values of its concrete fields, in order, read by a cursor."""
    converted = [
        functools.reduce(lambda value, convert: convert(value, column, connection), converters, value)
        for value, (column, converters) in zip(values, _converters(model, connection.vendor), strict=True)
    ]
    return model.from_db(
        connection.alias, [field.attname for field in model._meta.concrete_fields], converted
    )


def user_from_row(row: Sequence[Any]) -> User | None:
    """The user of a row of `user_columns_sql()`, with their permissions and role names; None when
    there is no such user or they may not sign in (inactive)."""
    *values, permissions, groups = row
    if values[0] is None:
        return None
    user = model_from_row(User, values)  # raw() costs more than the query
    if not ModelBackend().user_can_authenticate(user):
        return None
    user.group_names = sorted(filter(None, (groups or "").split("|")))  # type: ignore[attr-defined]
    if not user.is_superuser:  # a superuser has every permission: left to ModelBackend
        user._perm_cache = set((permissions or "").split())  # type: ignore[attr-defined]
    return user


# The user read together with the session (tumorboard/sessions.py), handed to `get_user` below once,
# within the same request: the session store sets it when it loads, and resets it when created.
read_with_session: ContextVar[User | None] = ContextVar("read_with_session", default=None)


class PermissionBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        handed = read_with_session.get()
        read_with_session.set(None)  # handed over once only
        if handed is not None and handed.pk == pk:
            return handed
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [pk])
            row = cursor.fetchone()
        return user_from_row(row) if row is not None else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if user_obj.is_superuser:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            with connection.cursor() as cursor:
                cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                user_obj._perm_cache = {label for (label,) in cursor.fetchall()}
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
