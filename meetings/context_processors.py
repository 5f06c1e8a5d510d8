from django.http import HttpRequest


def roles(request: HttpRequest) -> dict[str, bool]:
    """What the signed-in user may do at meetings, so templates show only the buttons that will work.

    The views enforce the same permissions; this only avoids offering what would be refused.
    """
    return {
        "can_manage_meetings": request.user.has_perm("meetings.manage_meetings"),
        "can_record_decision": request.user.has_perm("meetings.record_decision"),
    }
