from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from meetings import services
from meetings.models import AgendaItem, Amendment, Attendee, BoardProfile, Decision, FollowUpAction, Meeting

# The admin follows the app's rules: what the models refuse (a frozen meeting's date, attendance and
# agenda; anything of a closed meeting; a signed decision) is shown read-only here, and a change that
# slips through gets the models' message on the form (their clean()), never a server error.


class FrozenWithMeeting(admin.TabularInline):
    """Attendance and agenda rows: read-only once the meeting is frozen."""

    extra = 0

    def _open(self, obj: Meeting | None) -> bool:
        return obj is None or not obj.frozen_reason()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._open(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._open(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._open(obj)


class AttendeeInline(FrozenWithMeeting):
    model = Attendee


class AgendaItemInline(FrozenWithMeeting):
    model = AgendaItem
    raw_id_fields = ["case"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """Opening and closing are the app's buttons (they record who and when); here they are shown."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "starts_at", "location", "status"]
    list_filter = ["status"]
    search_fields = ["title"]
    inlines = [AttendeeInline, AgendaItemInline]
    readonly_fields = ["status", "opened_at", "opened_by", "closed_at", "closed_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Meeting | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.frozen_reason():
            fields.append("starts_at")
        return fields

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_closed)

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.frozen_reason())


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    """Appended only: never changed or removed."""

    list_display = ["meeting", "made_at", "made_by", "reason"]

    def has_change_permission(self, request: HttpRequest, obj: Amendment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Amendment | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Amendment, form: Any, change: bool) -> None:
        obj.made_by = request.user  # type: ignore[assignment]  # the admin is signed in
        obj.save()


@admin.register(BoardProfile)
class BoardProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "specialty"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    """Read-mostly: a signed decision is frozen (the model refuses changes), so the admin shows it."""

    list_display = ["case", "plan", "concordance", "signed_at"]
    list_filter = ["concordance"]
    search_fields = ["case__label"]
    list_select_related = ["case"]

    readonly_fields = [
        "concordance",
        "case_snapshot",
        "assessment_snapshot",
        "rule_set",
        "signed_at",
        "signed_by",
    ]

    def has_change_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        frozen = obj is not None and (obj.signed_at or obj.agenda_item.meeting.is_closed)
        return super().has_change_permission(request, obj) and not frozen

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a decision is drafted in the app, beside its case's assessment, by the user who records it

    def has_delete_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        frozen = obj is not None and (obj.signed_at or obj.agenda_item.meeting.is_closed)
        return super().has_delete_permission(request, obj) and not frozen

    def save_model(self, request: HttpRequest, obj: Decision, form: Any, change: bool) -> None:
        # As in the app: a draft's concordance is computed from the engine, never typed in.
        services.save_draft(obj)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    """An action of a signed decision keeps its text, owner and due date (the model's clean() says
    so on the form); it is never removed."""

    list_display = ["decision", "description", "owner", "due", "done_at"]

    def has_delete_permission(self, request: HttpRequest, obj: FollowUpAction | None = None) -> bool:
        signed = obj is not None and obj.decision.is_signed
        return super().has_delete_permission(request, obj) and not signed
