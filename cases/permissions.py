"""Who may do what. Roles are Django groups made by a data migration; views check permissions.

- coordinator: creates and edits cases, manages meetings;
- board member: edits cases, records decisions;
- viewer: reads only.

Every role reads cases (`view_case`) and meetings (`view_meeting`); a signed-in user in no group
reads nothing (tumorboard.middleware.RoleRequiredMiddleware answers 403 to every page but signing in
and out), so removing a user's role removes their access.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cases.record_kinds import RECORD_KINDS

COORDINATOR = "coordinator"
BOARD_MEMBER = "board member"
VIEWER = "viewer"

RECORD_MODEL_NAMES = tuple(kind.model_name for kind in RECORD_KINDS)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    COORDINATOR: [
        "add_case",
        "change_case",
        "view_case",
        "view_meeting",
        "manage_meetings",
        "record_decision",
        *(f"{verb}_{model}" for model in RECORD_MODEL_NAMES for verb in ("add", "change", "delete", "view")),
    ],
    BOARD_MEMBER: [
        "change_case",
        "view_case",
        "view_meeting",
        "record_decision",
        *(f"{verb}_{model}" for model in RECORD_MODEL_NAMES for verb in ("add", "change", "delete", "view")),
    ],
    VIEWER: ["view_case", "view_meeting", *(f"view_{model}" for model in RECORD_MODEL_NAMES)],
}

View = Callable[..., HttpResponse]


def ensure_roles(group_model: Any, permission_model: Any) -> None:
    """Create the three groups with their permissions (used by the roles migration and seed_demo).

    Takes the models as arguments so the migration can pass its historical models.
    """
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        # By codename, whichever app declares it: manage_meetings and record_decision belong to
        # the board's meetings (declared there; cases does not import that app).
        group.permissions.set(permission_model.objects.filter(codename__in=codenames))


def require(permission: str) -> Callable[[View], View]:
    """Refuse the view with 403 unless the signed-in user holds the permission: `cases.<permission>`,
    or another app's given in full (`meetings.record_decision`)."""
    label = permission if "." in permission else f"cases.{permission}"

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(label):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
