"""On PostgreSQL, statements are prepared on each connection (tumorboard/postgresql/base.py). A
migration run by another process while the app servers serve must not break their prepared
statements: every signed-in request would fail until the servers restarted."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.utils import NotSupportedError

from tests.factories import user_with_role
from tumorboard.auth import PermissionBackend
from tumorboard.sessions import SessionStore

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # the other process must see the rows and may lock the tables
]


@pytest.fixture
def migrate_elsewhere() -> Iterator[psycopg.Connection]:
    """A second connection, as `manage.py migrate` run from another host; it undoes its changes."""
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"],
        autocommit=True,
    )
    try:
        yield other
    finally:
        other.execute("ALTER TABLE auth_user DROP COLUMN IF EXISTS tb_test_added")
        other.execute("ALTER TABLE django_session DROP COLUMN IF EXISTS tb_test_added")
        other.execute("ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(150)")
        other.close()


def signed_in_session(user: User) -> str:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    assert store.session_key
    return store.session_key


def test_the_statements_of_every_request_are_prepared() -> None:
    user = user_with_role("member", None)  # no role: a transaction test has no groups
    key = signed_in_session(user)
    for _ in range(6):  # prepared from the 5th execution on
        PermissionBackend().get_user(user.pk)
        SessionStore(key).load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = " ".join(statement for (statement,) in cursor.fetchall())
    assert "django_session" in prepared and "tb_permissions" in prepared


def test_a_column_added_by_a_migration_signs_no_one_out(migrate_elsewhere: psycopg.Connection) -> None:
    user = user_with_role("member", None)
    key = signed_in_session(user)
    for _ in range(6):
        PermissionBackend().get_user(user.pk)
        SessionStore(key).load()
    migrate_elsewhere.execute("ALTER TABLE auth_user ADD COLUMN tb_test_added integer")
    migrate_elsewhere.execute("ALTER TABLE django_session ADD COLUMN tb_test_added integer")
    assert PermissionBackend().get_user(user.pk).username == "member"
    assert SessionStore(key).load()["_auth_user_id"] == str(user.pk)


def test_a_column_widened_by_a_migration_is_read_again(migrate_elsewhere: psycopg.Connection) -> None:
    user = user_with_role("member", None)
    for _ in range(6):
        User.objects.get(pk=user.pk)
    migrate_elsewhere.execute("ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(200)")
    assert User.objects.get(pk=user.pk).username == "member"
    assert User.objects.get(pk=user.pk).username == "member"  # and again, from a fresh preparation


def test_inside_a_transaction_only_that_transaction_fails(
    migrate_elsewhere: psycopg.Connection,
) -> None:
    user = user_with_role("member", None)
    for _ in range(6):
        User.objects.get(pk=user.pk)
    migrate_elsewhere.execute("ALTER TABLE auth_user ALTER COLUMN first_name TYPE varchar(200)")
    with pytest.raises(NotSupportedError), transaction.atomic():
        User.objects.get(pk=user.pk)
    # The rollback made the connection forget its prepared statements: the next one works.
    assert User.objects.get(pk=user.pk).username == "member"
