"""The worklist: a small summary of each case's assessment, stored on the case.

The case list sorts and filters thousands of cases by TACE verdict, BCLC, Child-Pugh, flags and
reassessment; running the engine per row would make it O(cases). So the summary is written on the
case (cases/models/case.py, WORKLIST_FIELDS) whenever the case or one of its records is saved or
deleted, and rewritten for every case whose summary came from another rule set. It is written with
a queryset update: no version bump, no history row, no "last changed" — it is derived, not edited.
What depends on today (overdue, stale inputs) is stored as a date and compared at read time.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from cases.adapters import with_records
from cases.assessing import CaseAssessment, assess_case, today
from cases.caching import other_case_rows
from cases.clinical.labels import REGIMEN_LABELS, STATUS_LABELS
from cases.clinical.vocab import RULE_SET
from cases.models import Case, Status, WorklistVersion
from cases.models.case import WORKLIST_FIELDS
from cases.presenters import AFTER_ENDOSCOPY_LABEL, PREFERRED_REGIMEN
from cases.record_kinds import RECORD_KINDS

# How long labs and imaging stay current for the board (meetings/readiness.py reads the same):
# labs move Child-Pugh and ALBI within weeks; response and vascular invasion need recent imaging.
CURRENT_FOR_DAYS = {"labs": 30, "imaging": 60}
CHILD_PUGH_LABS = ("bilirubin_mg_dl", "albumin_g_dl", "inr")


def _latest(dates: Iterable[datetime.date], as_of: datetime.date) -> datetime.date | None:
    return max((d for d in dates if d <= as_of), default=None)


def summary_values(assessed: CaseAssessment) -> dict[str, Any]:
    """The stored columns of one assessment."""
    facts, as_of, summary = assessed.facts, assessed.as_of, assessed.summary
    a = assessed.assessment
    cp_date = _latest(
        (r.date for r in facts.labs if any(getattr(r, k) is not None for k in CHILD_PUGH_LABS)), as_of
    )
    labs = _latest((r.date for r in facts.labs), as_of)
    imaging = _latest((r.date for r in facts.imaging), as_of)
    # A missing input is stale from the start: the case needs discussion until it is recorded.
    current_until = min(
        (
            latest + datetime.timedelta(days=CURRENT_FOR_DAYS[key])
            if latest
            else as_of - datetime.timedelta(days=1)
        )
        for key, latest in (("labs", labs), ("imaging", imaging))
    )
    clock = a.algorithm.reassessment
    due = None if clock is None else (clock.due_by or as_of)
    top = summary.top_option
    return {
        "assessed_rule_set": a.rule_set,
        "assessed_on": as_of,
        "verdict": summary.verdict,
        "verdict_label": summary.verdict_label,
        "verdict_tone": summary.verdict_tone,
        "bclc_stage": a.bclc.stage or "",
        "child_pugh_points": a.child_pugh.points,
        "child_pugh_label": a.child_pugh.label or "",
        "child_pugh_date": cp_date,
        "top_option": top.regimen if top else "",
        "top_option_status": top.status if top else "",
        "stop_flags": summary.stop_flags,
        "warning_flags": summary.warning_flags,
        "weigh_switch": a.algorithm.decided_by == "ALG-WEIGH-SWITCH",
        "reassessment_due": due,
        "inputs_current_until": current_until,
    }


def summary_fields() -> list[str]:
    return list(WORKLIST_FIELDS)


REFRESH_BATCH = 500  # cases read with their records and written back at a time


def refresh(cases: QuerySet[Case]) -> int:
    """Recompute and store the summary of these cases: REFRESH_BATCH at a time, each batch read with
    one query per record kind and written back with one UPDATE (no save: no version, no history)."""
    pks = list(cases.order_by().values_list("pk", flat=True))
    for start in range(0, len(pks), REFRESH_BATCH):
        batch = list(with_records(Case.objects.filter(pk__in=pks[start : start + REFRESH_BATCH])))
        for case in batch:
            for name, value in summary_values(assess_case(case)).items():
                setattr(case, name, value)
        Case.objects.bulk_update(batch, WORKLIST_FIELDS)
    WorklistVersion.bump()
    return len(pks)


# How many outdated summaries one page view recomputes: after a rule-set change on a large database
# the list stays fast (the rest show "Not assessed yet" until recomputed; `manage.py refresh_worklist`
# does them all at once, e.g. right after the deploy that changes the rule set).
REFRESH_PER_REQUEST = 200


def outdated() -> QuerySet[Case]:
    """The cases whose stored summary came from another rule set (or none yet).

    Every list view asks, so the question must cost the same at any size: "another rule set" is
    read as below or above this one on the indexed column (two index range scans; `<>` would read
    every row), and in no particular order."""
    return Case.objects.filter(
        Q(assessed_rule_set__lt=RULE_SET) | Q(assessed_rule_set__gt=RULE_SET)
    ).order_by()


_all_current = False  # this process found no outdated summary: none can appear until the next deploy


def refresh_outdated(limit: int | None = REFRESH_PER_REQUEST) -> int:
    """Recompute the outdated summaries: `limit` of them (a page view), or all (refresh_worklist).

    Once a process has found none, it stops asking: every later save writes the summary with this
    process's rule set, and a new rule set arrives only with new code, that is, new processes."""
    global _all_current
    if limit is None:
        return refresh(outdated())
    if _all_current:
        return 0
    pks = list(outdated().values_list("pk", flat=True)[:limit])
    _all_current = not pks
    return refresh(Case.objects.filter(pk__in=pks)) if pks else 0


def needs_discussion(on: datetime.date | None = None) -> Q:
    """TACE-refractory, a switch to weigh, reassessment overdue, or inputs no longer current."""
    day = on or today()
    return (
        Q(verdict="refractory")
        | Q(weigh_switch=True)
        | Q(reassessment_due__lt=day)
        | Q(inputs_current_until__lt=day)
    )


def matching(filters: dict[str, Any], day: datetime.date) -> QuerySet[Case]:
    """The cases the worklist's filters select (CaseFilterForm's cleaned values), unordered."""
    cases = Case.objects.all()
    if filters["q"]:
        cases = cases.filter(label__icontains=filters["q"])
    if filters["status"] in Status.values:
        cases = cases.filter(status=filters["status"])
    if filters["verdict"]:
        cases = cases.filter(verdict=filters["verdict"])
    if filters["discuss"]:
        cases = cases.filter(needs_discussion(day))
    return cases


def _case_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures: the records may not all be there yet
        return
    case_id = instance.pk if isinstance(instance, Case) else getattr(instance, "case_id", None)
    if case_id is not None and Case.objects.filter(pk=case_id).exists():
        refresh(Case.objects.filter(pk=case_id))
    else:
        WorklistVersion.bump()  # a case deleted: the list changed too


def connect() -> None:
    """Keep the summary current: after a save or delete of a case or any of its dated records; and
    the list's cache version, after a change to the rows other apps keep about cases (the agenda,
    the decisions: found by introspection, since cases imports no such app)."""
    models: list[type[Model]] = [Case, *(kind.model for kind in RECORD_KINDS)]
    for model in models:
        post_save.connect(_case_saved, sender=model, dispatch_uid=f"worklist-save-{model.__name__}")
        post_delete.connect(_case_saved, sender=model, dispatch_uid=f"worklist-delete-{model.__name__}")
    for model in other_case_rows():
        post_save.connect(
            WorklistVersion.bump, sender=model, dispatch_uid=f"worklist-version-{model.__name__}"
        )
        post_delete.connect(
            WorklistVersion.bump, sender=model, dispatch_uid=f"worklist-gone-{model.__name__}"
        )


# The list's sort keys (the `sort` query parameter; "-" in front reverses): stored, indexed columns.
SORTS: dict[str, tuple[str, ...]] = {
    "label": ("label",),
    "verdict": ("verdict", "label"),
    "bclc": ("bclc_stage", "label"),
    "child_pugh": ("child_pugh_points", "label"),
    "top_option": ("top_option", "label"),
    "flags": ("-stop_flags", "-warning_flags", "label"),
    "reassessment": ("reassessment_due", "label"),
}
SORT_HEADERS = {
    "label": "Label",
    "verdict": "TACE verdict",
    "bclc": "BCLC",
    "child_pugh": "Child-Pugh",
    "top_option": "Top option",
    "flags": "Flags",
    "reassessment": "Reassessment",
}
DEFAULT_SORT = "label"


def ordering(sort: str) -> tuple[str, ...]:
    """The order_by() of a sort key; an unknown key sorts by label. A reversed sort reverses every
    column, the label too, so that it reads the same index backwards (Case.Meta.indexes)."""
    fields = SORTS.get(sort.lstrip("-"), SORTS[DEFAULT_SORT])
    if not sort.startswith("-"):
        return fields
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)


@dataclass(frozen=True)
class WorklistRow:
    """One case as the worklist shows it (every word from the stored summary)."""

    case: Case
    url: str  # the case page
    verdict_label: str
    verdict_tone: str
    child_pugh: str
    child_pugh_date: datetime.date | None
    top_option: str
    top_option_status: str
    stop_flags: int
    warning_flags: int
    reassessment: str
    reassessment_overdue: bool
    extra: tuple[tuple[str, object], ...]  # (header, value) of the columns other apps add


@functools.cache
def _case_page_prefix() -> str:
    """The case page's address without its id ("/cases/"): reversed once, not once per row."""
    return reverse("cases:detail", args=[0]).removesuffix("0/")


def row(case: Case, day: datetime.date, extra: Iterable[tuple[str, str]] = ()) -> WorklistRow:
    """The row of one case; `extra`: (attribute, header) of the columns other apps add."""
    due = case.reassessment_due
    if due is None:
        reassessment = "not on therapy"
    elif due < day:
        reassessment = f"overdue since {due.isoformat()}"
    else:
        reassessment = f"due by {due.isoformat()}"
    return WorklistRow(
        case=case,
        url=f"{_case_page_prefix()}{case.pk}/",
        verdict_label=case.verdict_label or "Not assessed yet",
        verdict_tone=case.verdict_tone or "unknown",
        child_pugh=case.child_pugh_label or "cannot compute",
        child_pugh_date=case.child_pugh_date,
        top_option=REGIMEN_LABELS.get(case.top_option, "none open"),
        top_option_status=AFTER_ENDOSCOPY_LABEL
        if (case.top_option, case.top_option_status) == (PREFERRED_REGIMEN, "needs_workup")  # OPT-AB-EGD only
        else STATUS_LABELS.get(case.top_option_status, ""),
        stop_flags=case.stop_flags,
        warning_flags=case.warning_flags,
        reassessment=reassessment,
        reassessment_overdue=due is not None and due < day,
        extra=tuple((header, getattr(case, name, None)) for name, header in extra),
    )


@dataclass(frozen=True)
class SortLink:
    key: str
    header: str
    query: str  # the `sort` value the header's link sets: this column, or reversed when it is the current one
    aria_sort: str  # ascending | descending | none


def sort_links(current: str) -> dict[str, SortLink]:
    links = {}
    for key, header in SORT_HEADERS.items():
        if current == key:
            query, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            query, aria = key, "descending"
        else:
            query, aria = key, "none"
        links[key] = SortLink(key, header, query, aria)
    return links
