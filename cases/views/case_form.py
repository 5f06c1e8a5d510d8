"""The screens that show the engine's assessment: the case form with its live eligibility panel,
the recommendation view, and the panel and timeline that refresh on the case page.

Data flows one way: request → forms → case facts (stored case + unsaved values) → engine →
assessment → presenter → template. Patient values travel only in POST bodies, never in URLs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.adapters import case_to_facts, with_records
from cases.caching import cached_panel
from cases.charts import algorithm_diagram, timeline
from cases.clinical import Assessment, assess
from cases.clinical.facts import CaseFacts
from cases.clinical.labels import PROPOSAL_LABELS
from cases.clinical.vocab import PROPOSALS
from cases.concurrency import conflict_message, differences
from cases.forms.findings import BLOCKS, FindingsForm, overlay, save_changes
from cases.forms.case import CaseForm
from cases.models import Case
from cases.models.versioning import StaleEdit
from cases.permissions import require
from cases.presenters import summarise

PANEL = "cases/case_form.html#panel"


def _stored(pk: int) -> Case:
    return get_object_or_404(with_records(), pk=pk)


def _forms(request: HttpRequest, case: Case | None) -> tuple[CaseForm, FindingsForm]:
    data = request.POST if request.method == "POST" else None
    return CaseForm(data, instance=case), FindingsForm(data, case=case)


def _panel_context(case_form: CaseForm, findings: FindingsForm, case: Case | None) -> dict[str, Any]:
    """Assess the stored case with the form's unsaved values laid over it, or list why it cannot."""
    if not case_form.is_bound:
        return {"summary": summarise(assess(case_to_facts(case) if case else CaseFacts(), timezone.localdate()))}
    if not (case_form.is_valid() and findings.is_valid()):
        return {"errors": _error_lines(case_form, findings)}
    facts = overlay(
        case_to_facts(case) if case else CaseFacts(),
        patient=_patient(case_form.cleaned_data),
        contraindications=_contraindications(case_form.cleaned_data),
        baseline_tumor_count=case_form.cleaned_data.get("baseline_tumor_count"),
        changes=findings.changes(),
    )
    return {"summary": summarise(assess(facts, timezone.localdate())), "preview": True}


def _error_lines(*forms: Any) -> list[str]:
    """One line per problem, each naming the field (model messages already start with it)."""
    lines = []
    for form in forms:
        for field, errors in form.errors.items():
            for error in errors:
                named = error.startswith(f"{field}:") or field == "__all__"
                lines.append(error if named else f"{field}: {error}")
    return lines


def _patient(data: dict[str, Any]) -> dict[str, Any]:
    names = ("label", "age", "sex", "weight_kg", "ecog", "etiology")
    return {name: data.get(name) if data.get(name) != "" else None for name in names}


def _contraindications(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "immunotherapy": data.get("contraindication_immunotherapy"),
        "bevacizumab": data.get("contraindication_bevacizumab"),
        "note": data.get("contraindication_note") or None,
    }


def _save(request: HttpRequest, case_form: CaseForm, findings: FindingsForm) -> Case | None:
    """Save the case and its finding changes together, or add the reason to the form and save nothing."""
    if not (case_form.is_valid() and findings.is_valid()):
        return None
    changes = findings.changes()
    for change in changes:
        if change.action == "remove":
            findings.add_error(
                change.block.date_field,
                f"{change.block.date_field}: an empty date only previews the case without the record of "
                f"{change.previous_date}; to remove that record, delete it on the case page.",
            )
            return None
    with transaction.atomic():
        # An untouched case is not re-saved: its version moves only when its own fields change,
        # so a colleague editing only the labs does not collide with one editing the patient.
        case = case_form.save() if case_form.has_changed() or not case_form.instance.pk else case_form.instance
        save_changes(case, changes)
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
    context = {"form": case_form, "findings": findings, "case": case, **conflict,
               **_panel_context(case_form, findings, case)}
    return render(request, "cases/case_form.html", context, status=409 if conflict else 200)


def _conflict(stale: StaleEdit, case_form: CaseForm, findings: FindingsForm) -> dict[str, Any]:
    """The refusal message and, field by field, the saved value next to the typed one."""
    current = stale.current
    if current is None or isinstance(current, Case):
        what, form = "case", case_form
        names = None
    else:
        block = next(b for b in BLOCKS if isinstance(current, b.model))
        what, form, names = str(current._meta.verbose_name), findings, list(block.fields)
    return {"conflict": conflict_message(current, what), "differences": differences(form, current, names)}


def _rebound(case_form: CaseForm, case: Case | None) -> tuple[CaseForm, FindingsForm]:
    """The typed values again, now at the versions saved in the database ("save again" applies them)."""
    data = case_form.data.copy()
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


def _assessed(case: Case, proposal: str | None = None) -> tuple[CaseFacts, Assessment]:
    facts = case_to_facts(case)
    return facts, assess(facts, timezone.localdate(), proposal)


@require_GET
def case_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored case's panel, re-fetched on the case page after a record changes."""
    _facts, assessment = _assessed(_stored(pk))
    return render(request, PANEL, {"summary": summarise(assessment)})


@require_GET
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    facts = case_to_facts(_stored(pk))
    return render(request, "cases/_timeline.html", {"timeline": timeline(facts, timezone.localdate())})


@require_GET
def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    """The algorithm with the patient's position, the ranked options and every flag; `?proposal=` checks a plan."""
    case = _stored(pk)
    proposal = request.GET.get("proposal") if request.GET.get("proposal") in PROPOSALS else None
    facts, assessment = _assessed(case, proposal)
    context = {
        "case": case,
        "summary": summarise(assessment),
        "proposal": proposal,
        "proposals": [(key, PROPOSAL_LABELS[key]) for key in PROPOSALS],
        "diagram": algorithm_diagram(assessment),
        "timeline": timeline(facts, assessment.as_of),
    }
    template = "cases/recommendation.html#plan-check" if request.htmx else "cases/recommendation.html"
    return render(request, template, context)
