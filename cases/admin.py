from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m
from cases.record_kinds import RECORD_KINDS


class RecordInline(admin.TabularInline):
    extra = 0
    show_change_link = True


def _inline(model: type[models.Model]) -> type[RecordInline]:
    return type(f"{model.__name__}Inline", (RecordInline,), {"model": model})


def _verdict_badge(case: m.Case) -> str:
    # The same badge as the worklist and the panel (static/css/app.css .verdict-*).
    return format_html(
        '<span class="badge verdict verdict-{}">{}</span>',
        case.verdict_tone or "unknown",
        case.verdict_label or "Not assessed yet",
    )


@admin.register(m.Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["label", "verdict_badge", "bclc_stage", "age", "sex", "ecog", "status", "updated_at"]
    list_filter = ["status", "verdict", "etiology", "sex", "ecog"]
    search_fields = ["label"]
    readonly_fields = ["verdict_badge", "recommendation_link"]
    inlines = [_inline(kind.model) for kind in RECORD_KINDS]

    class Media:
        css = {"all": ["css/app.css", "css/admin.css"]}

    @admin.display(description="TACE verdict", ordering="verdict")
    def verdict_badge(self, case: m.Case) -> str:
        return _verdict_badge(case)

    @admin.display(description="Recommendation")
    def recommendation_link(self, case: m.Case) -> str:
        if case.pk is None:
            return "—"
        url = reverse("cases:recommendation", args=[case.pk])
        return format_html('<a href="{}">Options with reasons, doses and flags</a>', url)


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
