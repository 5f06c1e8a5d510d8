from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from meetings import services
from meetings.models import AgendaItem, Attendee, BoardProfile, Decision, FollowUpAction, Meeting


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["case"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "starts_at", "location"]
    search_fields = ["title"]
    inlines = [AttendeeInline, AgendaItemInline]


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
        return super().has_change_permission(request, obj) and not (obj is not None and obj.signed_at)

    def has_delete_permission(self, request: HttpRequest, obj: Decision | None = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.signed_at)

    def save_model(self, request: HttpRequest, obj: Decision, form: Any, change: bool) -> None:
        # As in the app: a draft's concordance is computed from the engine, never typed in.
        services.save_draft(obj)


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "description", "owner", "due", "done_at"]
