from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases import models as m


class RecordInline(admin.TabularInline):
    extra = 0
    show_change_link = True


class LabInline(RecordInline):
    model = m.LabResult


class ClinicalInline(RecordInline):
    model = m.ClinicalFinding


class ImagingInline(RecordInline):
    model = m.Imaging


class EndoscopyInline(RecordInline):
    model = m.Endoscopy


class TaceInline(RecordInline):
    model = m.TaceSession


class TherapyInline(RecordInline):
    model = m.SystemicTherapy


@admin.register(m.Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["label", "age", "sex", "ecog", "etiology", "status", "updated_at"]
    list_filter = ["status", "etiology", "sex", "ecog"]
    search_fields = ["label"]
    inlines = [TaceInline, LabInline, ClinicalInline, ImagingInline, EndoscopyInline, TherapyInline]


@admin.register(m.LabResult, m.ClinicalFinding, m.Imaging, m.Endoscopy, m.TaceSession)
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
