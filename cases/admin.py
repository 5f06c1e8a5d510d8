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
