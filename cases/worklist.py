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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Field, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from cases.adapters import with_records
from cases.assessing import CaseAssessment, assess_case, today
from cases.caching import other_case_rows
from cases.clinical.labels import REGIMEN_LABELS, STATUS_LABELS
from cases.clinical.vocab import RULE_SET
from cases.models import Case, LabelSuffix, Status, WorklistVersion
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


def matching(filters: dict[str, Any], day: datetime.date, label: Q | None = None) -> QuerySet[Case]:
    """The cases the worklist's filters select (CaseFilterForm's cleaned values), unordered;
    `label`: the search's condition when already worked out (`label_contains` otherwise)."""
    cases = Case.objects.all()
    if filters["q"]:
        cases = cases.filter(label if label is not None else label_contains(filters["q"]))
    if filters["status"] in Status.values:
        cases = cases.filter(status=filters["status"])
    if filters["verdict"]:
        cases = cases.filter(verdict=filters["verdict"])
    if filters["discuss"]:
        cases = cases.filter(needs_discussion(day))
    return cases


SUFFIX_SEARCH_FROM = (
    3  # characters; a shorter text is in so many labels that the list's own order finds a page first
)
FEW_MATCHES = 1000  # suffixes: up to this many, the cases are looked up by id


def label_contains(text: str) -> Q:
    """Cases whose label contains `text`, ignoring case.

    On PostgreSQL, from SUFFIX_SEARCH_FROM characters on, through the label suffixes (LabelSuffix):
    a label contains TEXT when one of its suffixes is in the range [TEXT, TEXT + DEL) of their
    byte-ordered index (migration 0010; labels are ASCII, all below DEL) — one index range, also in a
    prepared statement, where `LIKE 'TEXT%'` could use no index. The range is read first, on its own
    (`_cases_with_label`): up to FEW_MATCHES suffixes, the cases are then read by id; more (a text
    most labels share, "HCC-"), the range stays a sub-select, planned for that text, and the list is
    read in its own order until a page is full. A shorter text, and SQLite, use `icontains`: read
    in the list's order, a page fills after a few rows."""
    found = _cases_with_label(text)
    return found if isinstance(found, Q) else _with_ids(found)


def _cases_with_label(text: str) -> list[int] | Q:
    """The ids of the cases whose label contains `text` when they are few (at most FEW_MATCHES
    suffixes hold it), else the condition that selects them. The range is read on its own, planned
    once per connection (PostgreSQL plans again, for each text, a statement whose range only it can
    see: 0.4 ms per keystroke at 100,000 cases, more than the search itself)."""
    if connection.vendor != "postgresql" or len(text) < SUFFIX_SEARCH_FROM:
        return Q(label__icontains=text)
    start = text.upper()
    bounds = [start, start + "\x7f"]
    with connection.cursor() as cursor:
        cursor.execute(f"{_suffix_range_sql()} LIMIT %s", [*bounds, FEW_MATCHES + 1])
        matches = cursor.fetchall()
    if len(matches) > FEW_MATCHES:
        return Q(pk__in=RawSQL(_suffix_range_sql(), bounds))
    return sorted({case_id for (case_id,) in matches})  # a label may hold the text twice


def _with_ids(ids: list[int]) -> Q:
    return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))


class FoundCases:
    """The cases a label search found by id (`_cases_with_label`), with the list's other filters and
    order, read a page at a time by one statement written once per filter and sort: composing the
    list's query with the ORM took twice as long as running it (docs/performance.md). A sequence for
    CappedPaginator (slicing reads a page; `count()` counts at most FEW_MATCHES rows).

    Only for the filters that are plain columns (status, TACE verdict); "needs discussion" reads
    the ORM's query (`matching`)."""

    def __init__(self, ids: list[int], filters: dict[str, Any], sort: str, columns: Sequence[Any]) -> None:
        q = connection.ops.quote_name
        table = q(Case._meta.db_table)
        conditions, self._params = [f"{table}.{q('id')} = ANY(%s)"], [ids]
        for name in ("status", "verdict"):
            value = filters[name]
            if value and (name != "status" or value in Status.values):
                conditions.append(f"{table}.{q(name)} = %s")
                self._params.append(value)
        where = " AND ".join(conditions)
        order = ", ".join(
            f"{table}.{q(_column(field.lstrip('-')))} {'DESC' if field.startswith('-') else 'ASC'}"
            for field in ordering(sort)
        )
        extra = [column.sql() for column in columns]  # other apps' columns, for the rows shown
        select = [f"{table}.{q(_column(name))}" for name in ROW_COLUMNS] + [f"({sql})" for sql, _ in extra]
        self._extra_params = [param for _, values in extra for param in values]
        self._names = [column.name for column in columns]
        self._count_sql = f"SELECT COUNT(*) FROM {table} WHERE {where}"
        self._page_sql = (
            f"SELECT {', '.join(select)} FROM {table} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s"
        )

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(self._count_sql, self._params)
            return int(cursor.fetchone()[0])

    def __getitem__(self, rows: slice) -> list[Case]:
        start = rows.start or 0
        with connection.cursor() as cursor:
            cursor.execute(self._page_sql, [*self._extra_params, *self._params, rows.stop - start, start])
            found = cursor.fetchall()
        cases = []
        for row in found:
            case = Case.from_db(connection.alias, list(ROW_COLUMNS), row[: len(ROW_COLUMNS)])
            for name, value in zip(self._names, row[len(ROW_COLUMNS) :], strict=True):
                setattr(case, name, value)
            cases.append(case)
        return cases


def _column(name: str) -> str:
    return cast(Field[Any, Any], Case._meta.get_field(name)).column


def found_by_id(filters: dict[str, Any], sort: str, columns: Sequence[Any]) -> FoundCases | Q | None:
    """For a label search: the cases found, when few and filtered by plain columns only (FoundCases);
    else the search's condition for `matching` (Q), worked out once; None without a search."""
    if not filters["q"]:
        return None
    found = _cases_with_label(filters["q"])
    if isinstance(found, Q):
        return found
    return _with_ids(found) if filters["discuss"] else FoundCases(found, filters, sort, columns)


@functools.cache
def _suffix_range_sql() -> str:
    """Written once as SQL: composing it with the ORM on every keystroke cost more than running it."""
    q = connection.ops.quote_name
    column = f'({q("suffix")} COLLATE "C")'  # as indexed by migration 0010
    return (
        f"SELECT {q('case_id')} FROM {q(LabelSuffix._meta.db_table)} WHERE {column} >= %s AND {column} < %s"
    )


def _case_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loading fixtures: the records may not all be there yet
        return
    if isinstance(instance, Case) and kwargs.get("created") is not None:  # saved, not deleted
        LabelSuffix.sync(instance)  # what the search reads
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


# The columns a row shows: the list reads these only (the case has about thirty).
ROW_COLUMNS = (
    "id",
    "label",
    "status",
    "bclc_stage",
    "verdict_label",
    "verdict_tone",
    "child_pugh_label",
    "child_pugh_date",
    "top_option",
    "top_option_status",
    "stop_flags",
    "warning_flags",
    "reassessment_due",
)


@dataclass(frozen=True)
class WorklistRow:
    """One case as the worklist shows it (every word from the stored summary).

    Plain values only, and all of them: the row's HTML is a function of this value alone, so it is
    rendered once per distinct row and shared (cases/caching.py `cached_rows`)."""

    label: str
    url: str  # the case page
    status: str  # "" while the case is open
    bclc_stage: str  # "" when not staged
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
        label=case.label,
        url=f"{_case_page_prefix()}{case.pk}/",
        status="" if case.status == Status.OPEN else case.get_status_display(),
        bclc_stage=case.bclc_stage,
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
    href: str  # the list with the same filters, sorted so, from its first page


def sort_links(current: str, filters: Iterable[tuple[str, str]] = ()) -> dict[str, SortLink]:
    """The column headers' links; `filters`: the query string's other (name, value) pairs, kept.

    (Built here once rather than by `{% querystring %}` per header: each copied the whole query.)"""
    kept = [(name, value) for name, value in filters if name not in ("sort", "page")]
    links = {}
    for key, header in SORT_HEADERS.items():
        if current == key:
            query, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            query, aria = key, "descending"
        else:
            query, aria = key, "none"
        links[key] = SortLink(key, header, query, aria, "?" + urlencode([*kept, ("sort", query)]))
    return links
