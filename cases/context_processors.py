from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, bool | str]:
    """What the signed-in user may do, so templates show only the buttons that will work.

    The views enforce the same permissions; this only avoids offering what would be refused.
    (What a user may do at meetings is the meetings app's context processor.)
    """
    user = request.user
    names: list[str] = []
    if user.is_authenticated:
        # Read with the user by tumorboard.auth.PermissionBackend (no query of its own), else asked.
        names = getattr(user, "group_names", None) or sorted(group.name for group in user.groups.all())
    return {
        "user_role": ", ".join(names),
        "can_create_case": user.has_perm("cases.add_case"),
        "can_edit_case": user.has_perm("cases.change_case"),
    }
