"""The case form: create and edit a case with its latest findings, and the live eligibility panel
that re-assesses the unsaved values while they are typed.

Data flows one way: request → forms → unsaved values over the stored case (cases/adapters.py) →
assessment (cases/assessing.py) → presenter → template. Patient values travel only in POST bodies,
never in URLs.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.adapters import UnsavedCase, with_records
from cases.apps import CasesConfig
from cases.assessing import assess_case
from cases.caching import cached_panel
from cases.concurrency import conflict_message, differences
from cases.forms.case import CaseForm
from cases.forms.findings import FindingsForm, save_changes
from cases.models import Case
from cases.models.versioning import StaleEdit
from cases.permissions import require
from cases.record_kinds import kind_of

PANEL = "cases/panel.html#panel"


def _stored(pk: int) -> Case:
    return get_object_or_404(with_records(), pk=pk)


def _forms(request: HttpRequest, case: Case | None) -> tuple[CaseForm, FindingsForm]:
    data = request.POST if request.method == "POST" else None
    return CaseForm(data, instance=case), FindingsForm(data, case=case)


def _panel_context(case_form: CaseForm, findings: FindingsForm, case: Case | None) -> dict[str, Any]:
    """Assess the stored case with the form's unsaved values laid over it, or list why it cannot."""
    if not case_form.is_bound:
        return {"summary": assess_case(case).summary}
    if not (case_form.is_valid() and findings.is_valid()):
        return {"errors": _error_lines(case_form, findings)}
    unsaved = UnsavedCase(case_fields=case_form.cleaned_data, changes=tuple(findings.changes()))
    return {"summary": assess_case(case, unsaved=unsaved).summary, "preview": True}


def _error_lines(*forms: Any) -> list[str]:
    """One line per problem, each naming the field by the label the user sees ("cannot assess:
    Albumin (g/dL): 35 is outside 0.5–7 g/dL …"); messages that already name it are left as they are."""
    lines = []
    for form in forms:
        for field, errors in form.errors.items():
            label = getattr(form, "error_labels", {}).get(field) or (
                str(form[field].label) if field in form.fields else field
            )
            for error in errors:
                named = field == "__all__" or error.startswith((f"{label}:", f"{field}:"))
                lines.append(error if named else f"{label}: {error}")
    return lines


def _save(request: HttpRequest, case_form: CaseForm, findings: FindingsForm) -> Case | None:
    """Save the case and its finding changes together, or add the reason to the form and save nothing."""
    if not (case_form.is_valid() and findings.is_valid()):
        return None
    changes = findings.changes()
    if findings.refuse_removals(changes):
        return None
    try:
        with transaction.atomic():
            # An untouched case is not re-saved: its version moves only when its own fields change,
            # so a colleague editing only the labs does not collide with one editing the patient.
            case = (
                case_form.save()
                if case_form.has_changed() or not case_form.instance.pk
                else case_form.instance
            )
            save_changes(case, changes)
    except ValidationError as error:
        # A record the model refuses (the forms check the same rules first): nothing is saved, the
        # typed values stay in the form, and the reason is shown on it — never a server error.
        findings.add_error(None, f"Nothing was saved: {'; '.join(error.messages)}")
        return None
    return case


def _edit_page(request: HttpRequest, case: Case | None) -> HttpResponse:
    case_form, findings = _forms(request, case)
    conflict: dict[str, Any] = {}
    if request.method == "POST":
        try:
            saved = _save(request, case_form, findings)
        except StaleEdit as stale:
            conflict = _conflict(stale, case_form, findings)
            case = _stored(case.pk) if case else None
            case_form, findings = _rebound(case_form, case)
        else:
            if saved:
                messages.success(request, f"Case {saved.label} saved.")
                return redirect(saved)
    context = {
        "form": case_form,
        "findings": findings,
        "case": case,
        # What other apps add to the new-case page (cases/apps.py): interop's FHIR upload.
        "new_case_sections": [] if case else _cases_config().new_case_sections,
        **conflict,
        **_panel_context(case_form, findings, case),
    }
    return render(request, "cases/case_form.html", context, status=409 if conflict else 200)


def _cases_config() -> CasesConfig:
    return cast(CasesConfig, apps.get_app_config("cases"))


def _conflict(stale: StaleEdit, case_form: CaseForm, findings: FindingsForm) -> dict[str, Any]:
    """The refusal message and, field by field, the saved value next to the typed one."""
    current = stale.current
    kind = kind_of(current) if current is not None else None
    form: forms.BaseForm
    if kind is None:
        what, form, names = "case", case_form, None
    else:
        what, form, names = kind.name, findings, list(kind.finding_fields)
    return {"conflict": conflict_message(current, what), "differences": differences(form, current, names)}


def _rebound(case_form: CaseForm, case: Case | None) -> tuple[CaseForm, FindingsForm]:
    """The typed values again, now at the versions saved in the database ("save again" applies them)."""
    data = cast(QueryDict, case_form.data).copy()  # a refused save: the form was bound to request.POST
    fresh = FindingsForm(case=case)
    if case is not None:
        data["version"] = str(case.version)
    for kind, latest in fresh.previous.items():
        data[f"{kind}_version"] = str(latest.version) if latest else ""
    return CaseForm(data, instance=case), FindingsForm(data, case=case)


@require("add_case")
def case_create(request: HttpRequest) -> HttpResponse:
    return _edit_page(request, None)


@require("change_case")
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page(request, _stored(pk))


@require_POST
@require("add_case")
def case_create_preview(request: HttpRequest) -> HttpResponse:
    case_form, findings = _forms(request, None)
    return render(request, PANEL, _panel_context(case_form, findings, None))


@require_POST
@require("change_case")
def case_preview(request: HttpRequest, pk: int) -> HttpResponse:
    def panel() -> HttpResponse:
        case = _stored(pk)
        case_form, findings = _forms(request, case)
        return render(request, PANEL, _panel_context(case_form, findings, case))

    # The same values over the same stored case give the same panel (cases/caching.py).
    return cached_panel(request, pk, panel)
