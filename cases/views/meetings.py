"""Meeting pages: the meeting and its agenda, the room's display, decisions, minutes, follow-up and
the concordance report.

Viewers read everything here; building agendas and moving the display needs ``manage_meetings``;
recording and signing decisions needs ``record_decision``. A signed decision answers 409 to any
attempt to edit it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import meetings as rules
from cases.adapters import case_to_facts, with_records
from cases.charts import algorithm_diagram, timeline
from cases.clinical import assess
from cases.clinical.labels import PROPOSAL_LABELS, regimen_label
from cases.forms_meetings import (
    ActionFormSet,
    AddToMeetingForm,
    AgendaCasesForm,
    AttendeeForm,
    DecisionForm,
    MeetingForm,
    QuestionForm,
)
from cases.models import (
    AgendaItem,
    Attendee,
    Case,
    Decision,
    DecisionLocked,
    DeviationReason,
    FollowUpAction,
    Meeting,
    Status,
)
from cases.permissions import require
from cases.presenters import summarise

# --- meetings ---------------------------------------------------------------------------------


@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.annotate(
        case_count=Count("items", distinct=True),
        present_count=Count("attendees", filter=Q(attendees__present=True), distinct=True),
    )
    today = timezone.localdate()
    upcoming = meetings.filter(starts_at__date__gte=today).order_by("starts_at")
    past = meetings.filter(starts_at__date__lt=today).order_by("-starts_at")
    return render(request, "meetings/meeting_list.html", {"upcoming": upcoming, "past": past})


@require("manage_meetings")
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, f"Meeting of {meeting.day:%Y-%m-%d} created: add attendees and cases.")
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form})


@require("manage_meetings")
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Meeting saved.")
        return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendees and quorum, and the agenda with each case's readiness and decision."""
    meeting = get_object_or_404(Meeting, pk=pk)
    context = {"meeting": meeting, **_attendees_context(meeting), **_agenda_context(meeting)}
    context["attendee_form"] = AttendeeForm(meeting=meeting)
    return render(request, "meetings/meeting_detail.html", context)


def _attendees_context(meeting: Meeting) -> dict[str, Any]:
    attendees = list(meeting.attendees.select_related("user"))
    return {"attendees": attendees, "quorum": rules.quorum(a.specialty for a in attendees if a.present)}


def _agenda_context(meeting: Meeting) -> dict[str, Any]:
    """Agenda rows with their readiness on the meeting day: one engine run per case, constant queries."""
    items = _items(meeting)
    cases = {c.pk: c for c in with_records(Case.objects.filter(pk__in=[i.case_id for i in items]))}
    rows = []
    for item in items:
        facts = case_to_facts(cases[item.case_id])
        assessment = assess(facts, meeting.day)
        rows.append({"item": item, "readiness": rules.readiness(facts, meeting.day, assessment.missing)})
    return {"rows": rows, "not_ready": sum(1 for r in rows if not r["readiness"].ready)}


def _items(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.items.select_related("case").prefetch_related("decisions"))


def _agenda_partial(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    context = {"meeting": meeting, **_agenda_context(meeting)}
    return render(request, "meetings/meeting_detail.html#agenda", context)


def _back_to_meeting(request: HttpRequest, meeting: Meeting, partial: str | None = None) -> HttpResponse:
    if request.htmx and partial == "agenda":
        return _agenda_partial(request, meeting)
    if request.htmx and partial == "attendees":
        context = {"meeting": meeting, "attendee_form": AttendeeForm(meeting=meeting), **_attendees_context(meeting)}
        return render(request, "meetings/meeting_detail.html#attendees", context)
    return redirect(f"{meeting.get_absolute_url()}#{partial or ''}")


# --- attendees --------------------------------------------------------------------------------


@require_POST
@require("manage_meetings")
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AttendeeForm(request.POST, meeting=meeting)
    if form.is_valid():
        form.save()
    else:
        messages.error(request, "Attendee not added: " + " ".join(f"{f}: {e}" for f, errs in form.errors.items() for e in errs))
    return _back_to_meeting(request, meeting, "attendees")


@require_POST
@require("manage_meetings")
def attendee_presence(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Mark a person present or absent (or back to not marked)."""
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.present = {"present": True, "absent": False}.get(request.POST.get("presence", ""))
    attendee.save()
    return _back_to_meeting(request, attendee.meeting, "attendees")


@require_POST
@require("manage_meetings")
def attendee_remove(request: HttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    attendee = get_object_or_404(Attendee, pk=attendee_pk, meeting_id=pk)
    attendee.delete()
    return _back_to_meeting(request, attendee.meeting, "attendees")


# --- agenda -----------------------------------------------------------------------------------


@require("manage_meetings")
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The open cases not yet on the agenda, to tick and add in one go."""
    meeting = get_object_or_404(Meeting, pk=pk)
    query = request.GET.get("q", "").strip()
    form = AgendaCasesForm(request.POST or None, meeting=meeting, query=query)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for case in form.cleaned_data["cases"]:
                AgendaItem.objects.create(meeting=meeting, case=case)
            meeting.bump_display()
        messages.success(request, f"{len(form.cleaned_data['cases'])} case(s) added to the agenda.")
        return redirect(f"{meeting.get_absolute_url()}#agenda")
    return render(request, "meetings/agenda_add.html", {"meeting": meeting, "form": form, "query": query})


@require("manage_meetings")
def agenda_add_case(request: HttpRequest, pk: int) -> HttpResponse:
    """From a case page: put this case on an upcoming meeting's agenda, with the question."""
    case = get_object_or_404(Case, pk=pk)
    form = AddToMeetingForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        AgendaItem.objects.create(meeting=meeting, case=case, question=form.cleaned_data["question"])
        meeting.bump_display()
        messages.success(request, f"{case.label} is on the agenda of {meeting}.")
        return redirect(case)
    return render(request, "meetings/agenda_add_case.html", {"case": case, "form": form})


@require_POST
@require("manage_meetings")
def agenda_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    item.meeting.move_item(item, -1 if request.POST.get("direction") == "up" else 1)
    return _back_to_meeting(request, item.meeting, "agenda")


@require_POST
@require("manage_meetings")
def agenda_question(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    form = QuestionForm(request.POST, instance=item)
    if form.is_valid():
        form.save()
        item.meeting.bump_display()
    else:
        errors = " ".join(f"{field}: {e}" for field, errs in form.errors.items() for e in errs)
        messages.error(request, f"Question for {item.case.label} not saved. {errors}")
    return _back_to_meeting(request, item.meeting, "agenda")


@require_POST
@require("manage_meetings")
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting_id=pk)
    if item.decisions.exists():
        messages.error(request, f"{item.case.label} has a decision recorded at this meeting: it stays on the agenda.")
    else:
        item.delete()
        item.meeting.renumber(list(item.meeting.items.all()))
    return _back_to_meeting(request, item.meeting, "agenda")


# --- the room's display -----------------------------------------------------------------------


@require_GET
def meeting_present(request: HttpRequest, pk: int) -> HttpResponse:
    """Full-screen view for the projector. It polls and follows the coordinator's current item."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/present.html", _stage_context(meeting))


@require_GET
def meeting_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """204 while the display shows the latest version (one indexed read, no engine run);
    otherwise the new stage. A poll is the screen's doing, not the user's: it does not count as
    activity, so an unattended display still signs out after the idle limit."""
    request.keeps_session_idle = True  # type: ignore[attr-defined]  # read by SessionRenewalMiddleware
    version = Meeting.objects.filter(pk=pk).values_list("display_version", flat=True).first()
    if version is None:
        raise Http404("No such meeting")
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/present.html#stage", _stage_context(meeting))


@require_POST
@require("manage_meetings")
def meeting_go(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's controls: next, previous, or a given agenda item."""
    meeting = get_object_or_404(Meeting, pk=pk)
    step, item = request.POST.get("step"), request.POST.get("item", "")
    if item.isdigit():
        meeting.show(get_object_or_404(AgendaItem, pk=int(item), meeting=meeting))
    elif step in ("next", "previous"):
        meeting.step(1 if step == "next" else -1)
    if request.htmx:
        meeting.refresh_from_db()
        return render(request, "meetings/present.html#stage", _stage_context(meeting))
    return redirect("meeting_present", pk=meeting.pk)


def _stage_context(meeting: Meeting) -> dict[str, Any]:
    """What the displays show: the current case assessed today. Constant queries for any agenda."""
    items = list(meeting.items.select_related("case"))
    item = meeting.shown_item(items)
    context: dict[str, Any] = {"meeting": meeting, "items": items, "item": item, "version": meeting.display_version}
    if item is None:
        return context
    facts = case_to_facts(with_records().get(pk=item.case_id))
    assessment = assess(facts, timezone.localdate())
    summary = summarise(assessment)
    context.update(
        number=items.index(item) + 1,
        summary=summary,
        # One line per option the board can act on; the closed ones grouped, so a Child-Pugh C
        # patient's eight contraindications do not push the flags off the screen.
        options=[o for o in summary.options if o.status not in ("not_indicated", "contraindicated")],
        contraindicated=[o.label for o in summary.options if o.status == "contraindicated"],
        not_indicated=[o.label for o in summary.options if o.status == "not_indicated"],
        timeline=timeline(facts, assessment.as_of, dom_id="display-timeline"),
        diagram=algorithm_diagram(assessment, dom_id="display-algorithm"),
        decision=item.signed_decision,
    )
    return context


# --- decisions --------------------------------------------------------------------------------


def _decision(pk: int, decision_pk: int) -> Decision:
    return get_object_or_404(Decision, pk=decision_pk, agenda_item__meeting_id=pk)


def _locked(request: HttpRequest, decision: Decision) -> HttpResponse:
    """A signed decision is frozen: 409, with a pointer to correcting it."""
    return render(request, "meetings/decision_locked.html", {"decision": decision}, status=409)


@require("record_decision")
def decision_new(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "case"), pk=item_pk, meeting_id=pk)
    draft = item.draft_decision
    if draft:
        return redirect("decision_edit", pk=pk, decision_pk=draft.pk)
    if item.signed_decision:
        # One decision in force per agenda item: changing it is a correction, linked to it.
        messages.info(request, "This case already has a signed decision here: to change it, correct it.")
        return redirect(item.signed_decision)
    return _decision_form(request, Decision(agenda_item=item, recorded_by=request.user))


@require("record_decision")
def decision_edit(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    decision = _decision(pk, decision_pk)
    if decision.is_signed:
        return _locked(request, decision)
    return _decision_form(request, decision)


def _decision_form(request: HttpRequest, decision: Decision) -> HttpResponse:
    """Save the draft; with "Sign", sign it too — or keep the draft and show why it cannot be signed yet."""
    form = DecisionForm(request.POST or None, instance=decision)
    actions = ActionFormSet(request.POST or None, instance=decision, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        try:
            decision = _save_draft(form, actions)
        except DecisionLocked:
            return _locked(request, decision)
        if request.POST.get("action") != "sign":
            messages.success(request, "Draft saved; it is not signed yet.")
            return redirect("decision_edit", pk=_meeting_pk(decision), decision_pk=decision.pk)
        try:
            decision.sign(request.user)
        except DecisionLocked:
            return _locked(request, decision)
        except ValidationError as problems:
            for field, errors in problems.message_dict.items():
                form.add_error(None if field == "__all__" else field, errors)
            actions = ActionFormSet(instance=decision, prefix="actions")  # saved rows, with their ids
        else:
            messages.success(request, "Decision signed.")
            return redirect(decision)
    return render(request, "meetings/decision_form.html", _form_context(decision, form, actions))


@transaction.atomic
def _save_draft(form: DecisionForm, actions: Any) -> Decision:
    decision = form.save()
    actions.instance = decision
    actions.save()
    return decision


def _meeting_pk(decision: Decision) -> int:
    return decision.agenda_item.meeting_id


def _form_context(decision: Decision, form: DecisionForm, actions: Any) -> dict[str, Any]:
    item = decision.agenda_item
    return {"decision": decision, "item": item, "meeting": item.meeting, "form": form, "actions": actions,
            **_check_context(decision, form)}


def _check_context(decision: Decision, form: DecisionForm) -> dict[str, Any]:
    """The plan as typed, checked against the engine now: concordance and the stop flags to acknowledge."""
    plan = form.data.get("plan", decision.plan) if form.is_bound else decision.plan
    if not plan or plan not in dict(form.fields["plan"].choices):
        return {"check": None}
    probe = Decision(agenda_item=decision.agenda_item, plan=plan)
    facts, assessment = probe.assess_now()
    concordance = probe.judge(facts, assessment)
    acknowledged = form.data.getlist("acknowledged_flags") if form.is_bound else decision.acknowledged_flags
    summary = summarise(assessment)
    stops = [f for f in summary.flags if f.severity == "stop"]
    other_pit = [f for f in summary.flags if f.severity != "stop" and f.id.startswith("PIT-")]
    return {"check": concordance, "stops": stops, "pit_flags": other_pit, "acknowledged": acknowledged,
            "plan_label": PROPOSAL_LABELS.get(plan, "Other (free text)")}


@require_POST
@require("record_decision")
def decision_check(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Live check of the plan being typed (htmx): concordance and stop flags, nothing saved."""
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "case"), pk=item_pk, meeting_id=pk)
    form = DecisionForm(request.POST, instance=Decision(agenda_item=item))
    return render(request, "meetings/decision_form.html#check", {"item": item, **_check_context(form.instance, form)})


@require_GET
def decision_detail(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """A decision as recorded; once signed, with the snapshot it was signed against."""
    decision = _decision(pk, decision_pk)
    context: dict[str, Any] = {"decision": decision, "meeting": decision.agenda_item.meeting,
                               "actions": decision.actions.select_related("owner", "done_by")}
    if decision.assessment_snapshot:
        context["snapshot_flags"] = decision.assessment_snapshot.get("flags", [])
        context["snapshot_options"] = decision.assessment_snapshot.get("options", [])
        context["snapshot_step"] = (decision.assessment_snapshot.get("algorithm") or {}).get("current_step")
        snapshot = {"case_document": decision.case_snapshot, "assessment": decision.assessment_snapshot}
        context["snapshot_json"] = json.dumps(snapshot, indent=2, ensure_ascii=False)
    context["correction"] = Decision.objects.filter(corrects=decision).first()
    return render(request, "meetings/decision_detail.html", context)


@require_GET
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
@require("record_decision")
def decision_correct(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    """Start a correction: a new draft linked to the signed decision it corrects."""
    decision = _decision(pk, decision_pk)
    try:
        draft = decision.start_correction(request.user)
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
        return redirect(decision)
    messages.info(request, "Correction started: edit it, then sign it. The original stays as it was signed.")
    return redirect("decision_edit", pk=pk, decision_pk=draft.pk)


@require_POST
@require("record_decision")
def action_done(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(FollowUpAction.objects.select_related("decision"), pk=action_pk)
    if not action.decision.is_signed:
        messages.error(request, "Only an action of a signed decision is marked done.")
    elif action.done_at is None:
        action.mark_done(request.user)
        messages.success(request, f"Done: {action.description}.")
    return redirect("followup")


# --- minutes ----------------------------------------------------------------------------------


def _minutes_context(meeting: Meeting) -> dict[str, Any]:
    decisions = Decision.objects.select_related("signed_by").prefetch_related("actions__owner")
    items = list(meeting.items.select_related("case").prefetch_related(Prefetch("decisions", queryset=decisions)))
    rows = [{"item": item, "decision": item.signed_decision, "draft": item.draft_decision} for item in items]
    signed = [r["decision"] for r in rows if r["decision"]]
    return {
        "meeting": meeting,
        "rows": rows,
        "signed_count": len(signed),
        "concordant_count": sum(1 for d in signed if not d.deviates),
        "generated_at": timezone.localtime(),
        **_attendees_context(meeting),
    }


@require_GET
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting, pk=pk)
    return render(request, "meetings/minutes.html", _minutes_context(meeting))


@require_GET
def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes page as a PDF, rendered by WeasyPrint from the same template."""
    # Imported here: WeasyPrint needs Pango, and a missing system library must not stop the app.
    from weasyprint import HTML

    # The stylesheet is shared with the screen: WeasyPrint would log every screen-only property
    # it skips, and its progress, on each PDF. Keep real errors only.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)

    meeting = get_object_or_404(Meeting, pk=pk)
    html = render_to_string("meetings/minutes.html", {**_minutes_context(meeting), "pdf": True}, request=request)
    pdf = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher()).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.day:%Y-%m-%d}.pdf"'
    return response


PDF_BASE_URL = "http://minutes.tumorboard.invalid/"


def _static_fetcher() -> Any:
    """WeasyPrint may read the app's own static files (the stylesheet), from disk; nothing else."""
    from django.contrib.staticfiles import finders
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = PDF_BASE_URL + settings.STATIC_URL.lstrip("/")

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            name = url.removeprefix(prefix) if url.startswith(prefix) else ""
            path = finders.find(name) if name and ".." not in name.split("/") else None
            if not path:
                raise ValueError(f"the minutes load only the app's own static files, not {url}")
            with open(path, "rb") as file:
                return URLFetcherResponse(url, file.read(), {"Content-Type": "text/css; charset=utf-8"})

    return StaticOnly()


# --- follow-up and concordance ----------------------------------------------------------------


@require_GET
def followup(request: HttpRequest) -> HttpResponse:
    """Open follow-up actions of signed decisions and due ALG-5 reassessments, overdue first."""
    today = timezone.localdate()
    actions = (
        FollowUpAction.objects.filter(done_at__isnull=True, decision__signed_at__isnull=False)
        .exclude(decision__correction__signed_at__isnull=False)
        .select_related("owner", "decision__case", "decision__agenda_item")
    )
    on_therapy = with_records(Case.objects.filter(status=Status.OPEN, systemic_therapies__outcome="ongoing").distinct())
    clocks = []
    for case in on_therapy:
        facts = case_to_facts(case)
        clock = assess(facts, today).algorithm.reassessment
        if clock is not None:
            clocks.append((case, clock, regimen_label(rules.ongoing_regimen(facts) or "other")))
    rows = rules.followup_rows(actions, clocks, today)
    return render(request, "meetings/followup.html", {"rows": rows, "today": today})


@require_GET
def concordance_report(request: HttpRequest) -> HttpResponse:
    """Per month of meeting: cases discussed, decisions signed, share concordant, deviation reasons."""
    discussed = AgendaItem.objects.values_list("meeting__starts_at", "case_id")
    signed = (
        Decision.objects.filter(signed_at__isnull=False)
        .exclude(correction__signed_at__isnull=False)
        .values_list("agenda_item__meeting__starts_at", "concordance", "deviation_reason")
    )
    local = timezone.localdate
    months = rules.monthly_concordance(
        [(local(when), case) for when, case in discussed],
        [(local(when), c, r) for when, c, r in signed],
        dict(DeviationReason.choices),
    )
    return render(request, "meetings/concordance.html", {"months": months, "chart": rules.share_chart(months)})

