from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m
from cases.record_kinds import RECORD_KINDS


class RecordInline(admin.TabularInline):
    extra = 0
    show_change_link = True


def _inline(model: type[models.Model]) -> type[RecordInline]:
    return type(f"{model.__name__}Inline", (RecordInline,), {"model": model})


@admin.register(m.Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["label", "age", "sex", "ecog", "etiology", "status", "updated_at"]
    list_filter = ["status", "etiology", "sex", "ecog"]
    search_fields = ["label"]
    inlines = [_inline(kind.model) for kind in RECORD_KINDS]


# Every kind of dated record, except the therapies (their own admin below, listed by regimen).
@admin.register(*(kind.model for kind in RECORD_KINDS if kind.model is not m.SystemicTherapy))
class DatedRecordAdmin(SimpleHistoryAdmin):
    list_display = ["case", "date"]
    list_filter = ["date"]
    search_fields = ["case__label"]
    list_select_related = ["case"]


@admin.register(m.SystemicTherapy)
class SystemicTherapyAdmin(SimpleHistoryAdmin):
    list_display = ["case", "regimen", "start", "end", "outcome"]
    list_filter = ["regimen", "outcome"]
    search_fields = ["case__label"]
    list_select_related = ["case"]


class AttendeeInline(admin.TabularInline):
    model = m.Attendee
    extra = 0


class AgendaItemInline(admin.TabularInline):
    model = m.AgendaItem
    extra = 0
    raw_id_fields = ["case"]


@admin.register(m.Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "starts_at", "location"]
    search_fields = ["title"]
    inlines = [AttendeeInline, AgendaItemInline]


@admin.register(m.BoardProfile)
class BoardProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "specialty"]


@admin.register(m.Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    """Read-mostly: a signed decision is frozen (the model refuses changes), so the admin shows it."""

    list_display = ["case", "plan", "concordance", "signed_at"]
    list_filter = ["concordance"]
    search_fields = ["case__label"]
    list_select_related = ["case"]

    readonly_fields = ["concordance", "case_snapshot", "assessment_snapshot", "rule_set", "signed_at", "signed_by"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_change_permission(request, obj) and not (obj is not None and obj.signed_at)

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.signed_at)


@admin.register(m.FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ["decision", "description", "owner", "due", "done_at"]
