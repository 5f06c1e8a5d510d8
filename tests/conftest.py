from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from cases.permissions import BOARD_MEMBER, COORDINATOR, VIEWER
from tests.factories import user_with_role

# Password hashing is deliberately slow; the tests create hundreds of users.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def coordinator(db: None) -> User:
    return user_with_role("coord", COORDINATOR)


@pytest.fixture
def member(db: None) -> User:
    return user_with_role("member", BOARD_MEMBER)


@pytest.fixture
def viewer(db: None) -> User:
    return user_with_role("viewer", VIEWER)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return signed_in(coordinator)


@pytest.fixture
def member_client(member: User) -> Client:
    return signed_in(member)


@pytest.fixture
def viewer_client(viewer: User) -> Client:
    return signed_in(viewer)
