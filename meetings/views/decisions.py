"""Recording a decision: the draft form with its live check against the algorithm, signing through
a confirmation step that shows the quorum, the signed record with its frozen snapshot, and
corrections. A signed decision answers 409 to any attempt to edit it, a stale draft save answers 409
with the saved and the typed values side by side, and nothing is recorded once the meeting is closed
(409)."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cases.clinical.labels import PROPOSAL_LABELS
from cases.concurrency import conflict_message, differences, rebind
from cases.models.versioning import StaleEdit
from cases.permissions import require
from meetings import services
from meetings.forms import ActionFormSet, DecisionForm, SignForm
from meetings.models import AgendaItem, Decision, DecisionLocked
from meetings.views.lifecycle import answers_409

RECORD = "meetings.record_decision"


def _decision(pk: int, decision_pk: int) -> Decision:
    return get_object_or_404(Decision, pk=decision_pk, agenda_item__meeting_id=pk)


def _item(pk: int, item_pk: int) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting", "case"), pk=item_pk, meeting_id=pk)


def _locked(request: HttpRequest, decision: Decision) -> HttpResponse:
    """A signed decision is frozen: 409, with a pointer to correcting it."""
    return render(request, "meetings/decision_locked.html", {"decision": decision}, status=409)


@require(RECORD)
@answers_409
def decision_new(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(pk, item_pk)
    item.meeting.refuse_if_closed()
    draft = item.draft_decision
    if draft:
        return redirect("meetings:decision_edit", pk=pk, decision_pk=draft.pk)
    if item.signed_decision:
        # One decision in force per agenda item: changing it is a correction, linked to it.
        messages.info(request, "This case already has a signed decision here: to change it, correct it.")
        return redirect(item.signed_decision)
    assert request.user.is_authenticated  # LoginRequiredMiddleware: an anonymous request never gets here
    return _decision_form(request, Decision(agenda_item=item, recorded_by=request.user))


@require(RECORD)
@answers_409
def decision_edit(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    decision = _decision(pk, decision_pk)
    if decision.is_signed:
        return _locked(request, decision)
    decision.agenda_item.meeting.refuse_if_closed()
    return _decision_form(request, decision)


def _decision_form(request: HttpRequest, decision: Decision) -> HttpResponse:
    """Save the draft; with "Sign", go on to the confirmation step — or keep the draft and show why
    it cannot be signed yet. A save over a newer version is refused (409), nothing lost."""
    form = DecisionForm(request.POST or None, instance=decision)
    actions = ActionFormSet(request.POST or None, instance=decision, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        try:
            decision = _save_draft(form, actions)
        except DecisionLocked:
            return _locked(request, decision)
        except StaleEdit as stale:
            return _stale_draft(request, decision, form, stale)
        if request.POST.get("action") != "sign":
            messages.success(request, "Draft saved; it is not signed yet.")
            return redirect(
                "meetings:decision_edit", pk=decision.agenda_item.meeting_id, decision_pk=decision.pk
            )
        problems = services.signing_problems(decision)
        if not problems:
            return redirect(
                "meetings:decision_sign", pk=decision.agenda_item.meeting_id, decision_pk=decision.pk
            )
        for field, error in problems.items():
            form.add_error(None if field == "__all__" else field, error)
        actions = ActionFormSet(instance=decision, prefix="actions")  # saved rows, with their ids
        # The next save is over the draft just saved: the form carries its new version.
        form.data = cast(QueryDict, form.data).copy()
        form.data["version"] = str(decision.version)
    return render(request, "meetings/decision_form.html", _form_context(decision, form, actions))


def _stale_draft(
    request: HttpRequest, decision: Decision, form: DecisionForm, stale: StaleEdit
) -> HttpResponse:
    """Someone saved the draft first: 409, the saved and the typed values side by side, the typed
    values kept in the form (bound to the saved version, so saving again applies them)."""
    current = stale.current
    context: dict[str, Any] = {
        "conflict": conflict_message(current, "draft decision"),
        "differences": differences(form, current),
    }
    if isinstance(current, Decision):
        form = cast(DecisionForm, rebind(form, current))
        decision = current
    actions = ActionFormSet(request.POST, instance=decision, prefix="actions")
    context.update(_form_context(decision, form, actions))
    return render(request, "meetings/decision_form.html", context, status=409)


@require(RECORD)
@answers_409
def decision_sign(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """The confirmation step: the decision, the quorum as it is now, and — without quorum — the
    reason for signing anyway. Confirming signs the version that was shown."""
    decision = _decision(pk, decision_pk)
    if decision.is_signed:
        return _locked(request, decision)
    meeting = decision.agenda_item.meeting
    meeting.refuse_if_closed()
    form = SignForm(request.POST or None, initial={"version": decision.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        decision.version = form.cleaned_data["version"]
        try:
            services.sign(decision, request.user, quorum_reason=form.cleaned_data["quorum_reason"])
        except StaleEdit:
            # Someone saved the draft after this page was shown: show the draft as it is now.
            decision, status = _decision(pk, decision_pk), 409
            form = SignForm(initial={**form.cleaned_data, "version": decision.version})
        except ValidationError as problems:
            for field, errors in problems.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Decision signed.")
            return redirect(decision)
    context = {
        "decision": decision,
        "meeting": meeting,
        "form": form,
        "quorum": meeting.quorum(),
        "not_signable": services.not_signable(decision),
        "stale": status == 409,
    }
    return render(request, "meetings/decision_sign.html", context, status=status)


@transaction.atomic
def _save_draft(form: DecisionForm, actions: Any) -> Decision:
    decision = services.save_draft(form.save(commit=False))
    actions.instance = decision
    actions.save()
    return decision


def _form_context(decision: Decision, form: DecisionForm, actions: Any) -> dict[str, Any]:
    item = decision.agenda_item
    return {
        "decision": decision,
        "item": item,
        "meeting": item.meeting,
        "form": form,
        "actions": actions,
        **_check_context(item, form),
    }


def _check_context(item: AgendaItem, form: DecisionForm) -> dict[str, Any]:
    """The plan as typed, checked against the engine now: concordance and the stop flags to acknowledge."""
    plan = form.data.get("plan", form.instance.plan) if form.is_bound else form.instance.plan
    plan_field = cast(forms.ChoiceField, form.fields["plan"])  # the model's field with choices
    if not plan or not plan_field.valid_value(plan):
        return {"check": None}
    checked = services.check_plan(item, plan)
    acknowledged = (
        cast(QueryDict, form.data).getlist("acknowledged_flags")  # bound to request.POST
        if form.is_bound
        else form.instance.acknowledged_flags
    )
    summary = checked.assessed.summary
    stops = [f for f in summary.flags if f.severity == "stop"]
    other_pit = [f for f in summary.flags if f.severity != "stop" and f.id.startswith("PIT-")]
    return {
        "check": checked.concordance,
        "stops": stops,
        "pit_flags": other_pit,
        "acknowledged": acknowledged,
        "plan_label": PROPOSAL_LABELS.get(plan, "Other (free text)"),
    }


@require_POST
@require(RECORD)
def decision_check(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Live check of the plan being typed (htmx): concordance and stop flags, nothing saved."""
    item = _item(pk, item_pk)
    form = DecisionForm(request.POST)  # only read: the plan and the ticked flags as posted
    return render(request, "meetings/decision_form.html#check", {"item": item, **_check_context(item, form)})


@require_GET
@require("meetings.view_meeting")
def decision_detail(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """A decision as recorded; once signed, with the snapshot it was signed against."""
    decision = _decision(pk, decision_pk)
    context: dict[str, Any] = {
        "decision": decision,
        "meeting": decision.agenda_item.meeting,
        "actions": decision.actions.select_related("owner", "done_by"),
    }
    if decision.assessment_snapshot:
        context["snapshot_flags"] = decision.assessment_snapshot.get("flags", [])
        context["snapshot_options"] = decision.assessment_snapshot.get("options", [])
        context["snapshot_step"] = (decision.assessment_snapshot.get("algorithm") or {}).get("current_step")
        snapshot = {"case_document": decision.case_snapshot, "assessment": decision.assessment_snapshot}
        context["snapshot_json"] = json.dumps(snapshot, indent=2, ensure_ascii=False)
    context["correction"] = Decision.objects.filter(corrects=decision).first()
    return render(request, "meetings/decision_detail.html", context)


@require_GET
@require("meetings.view_meeting")
def decision_snapshot(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """The frozen record as JSON: case document, assessment and rule set at signing."""
    decision = _decision(pk, decision_pk)
    if not decision.is_signed:
        raise Http404("This decision is not signed yet: it has no snapshot.")
    body = {
        "decision": decision.pk,
        "case": decision.case.label,
        "plan": decision.plan,
        "plan_label": decision.plan_label,
        "concordance": decision.concordance,
        "rule_set": decision.rule_set,
        "signed_by": decision.signed_by.get_username() if decision.signed_by else None,
        "signed_at": decision.signed_at.isoformat() if decision.signed_at else None,
        "case_document": decision.case_snapshot,
        "assessment": decision.assessment_snapshot,
    }
    return JsonResponse(body, json_dumps_params={"indent": 2, "ensure_ascii": False})


@require_POST
@require(RECORD)
@answers_409
def decision_correct(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """Start a correction: a new draft linked to the signed decision it corrects."""
    decision = _decision(pk, decision_pk)
    try:
        draft = services.start_correction(decision, request.user)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect(decision)
    messages.info(request, "Correction started: edit it, then sign it. The original stays as it was signed.")
    return redirect("meetings:decision_edit", pk=pk, decision_pk=draft.pk)
