"""Case pages: the list; the case page, its panel and timeline; add / edit / delete of its dated records."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from cases import worklist
from cases.adapters import with_records
from cases.apps import CasesConfig
from cases.assessing import assess_case, today
from cases.caching import cached_list, cached_page, cached_rows
from cases.charts import timeline
from cases.clinical.catalogue import CHANGES
from cases.clinical.vocab import RULE_SET
from cases.concurrency import conflict_message, differences, rebind
from cases.forms.case import CaseFilterForm
from cases.forms.records import record_form_class
from cases.models import Case
from cases.models.records import CaseRecord
from cases.models.versioning import StaleEdit
from cases.pagination import CappedPaginator
from cases.permissions import require
from cases.presenters import rule_sections
from cases.record_kinds import RecordKind, kind_for_slug
from cases.record_tables import record_tables
from cases.views.case_form import PANEL
from tumorboard.http import HtmxHttpRequest

CASES_PER_PAGE = 50
WORKLIST_ROW = "cases/case_list.html#worklist-row"


@require_GET
@require("view_case")
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """The worklist: every open case with its stored assessment summary, sortable and filterable.

    It reads only stored, indexed columns (cases/worklist.py) and one sub-select per added column,
    evaluated for the 50 rows shown, so the page costs the same few queries for any number of cases;
    and a page already rendered is served from the cache until the list changes (cases/caching.py)."""
    worklist.refresh_outdated()  # after a rule-set change (one indexed query when nothing is outdated)
    form = CaseFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else CaseFilterForm.DEFAULTS
    sort = filters["sort"] if filters["sort"].lstrip("-") in worklist.SORTS else worklist.DEFAULT_SORT
    asked = request.GET.get("page", "1")
    number = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 7 else 1

    # Typing a search or changing a filter (htmx) swaps the table only, never the inputs.
    # (A history restore asks for the whole page.)
    swap = request.htmx and not request.htmx.history_restore_request
    template = "cases/case_list.html#worklist" if swap else "cases/case_list.html"

    def page() -> HttpResponse:
        query = [(name, value) for name, values in request.GET.lists() for value in values]
        return render(request, template, _worklist_context(form, filters, sort, number, query))

    if filters["q"]:
        return page()  # a search is not kept: its text is the client's to choose (cases/caching.py)
    choices = (template, filters["status"], filters["verdict"], filters["discuss"], sort, number)
    return cached_list(request, choices, page)


def _worklist_context(
    form: CaseFilterForm, filters: dict[str, Any], sort: str, number: int, query: list[tuple[str, str]]
) -> dict[str, Any]:
    config = cast(CasesConfig, apps.get_app_config("cases"))
    day = today()
    searched = worklist.found_by_id(filters, sort, config.worklist_columns)
    if isinstance(searched, worklist.FoundCases):  # a label being typed: a few cases, read by id
        paginator = CappedPaginator(searched, CASES_PER_PAGE)
    else:
        cases = worklist.matching(filters, day, label=searched)
        shown = cases.order_by(*worklist.ordering(sort)).only(*worklist.ROW_COLUMNS)
        for column in config.worklist_columns:  # other apps' columns: computed for the rows shown only
            shown = column.annotate(shown)
        # Counted up to a cap, or estimated for the whole table: never a count of every case (cases/pagination.py).
        paginator = CappedPaginator(shown, CASES_PER_PAGE, counted=cases)
    page = paginator.get_page(number)
    extra = [(column.name, column.header) for column in config.worklist_columns]
    rows = [worklist.row(case, day, extra) for case in page]
    return {
        "page": page,
        "rows": rows,
        "row_html": cached_rows(rows, lambda row: render_to_string(WORKLIST_ROW, {"row": row})),
        "extra_headers": [header for _, header in extra],
        "column_count": len(worklist.SORT_HEADERS) + len(extra),
        "sort": sort,
        "sort_links": worklist.sort_links(sort, query),
        "filter_form": form,
        "page_count_label": paginator.count_label(),
        "pages_label": paginator.pages_label(),
    }


@require_GET
@require("view_case")
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """All the case's data, its current assessment and its TACE timeline."""

    config = cast(CasesConfig, apps.get_app_config("cases"))

    def page() -> HttpResponse:
        case = get_object_or_404(with_records(), pk=pk)
        assessed = assess_case(case)
        context = {
            "case": case,
            "summary": assessed.summary,
            "timeline": timeline(assessed.facts, assessed.as_of),
            "record_tables": record_tables(case, request.user),
            # Buttons and sections other apps add (cases/apps.py).
            "case_page_actions": config.case_page_actions,
            "case_page_sections": config.case_page_sections,
        }
        return render(request, "cases/case_detail.html", context)

    # Rendered again only when the case changed (cases/caching.py; docs/performance.md).
    return cached_page(request, pk, page)


@require_GET
@require("view_case")
def case_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored case's panel, re-fetched on the case page after a record changes."""
    summary = assess_case(get_object_or_404(with_records(), pk=pk)).summary
    return render(request, PANEL, {"summary": summary})


@require_GET
@require("view_case")
def case_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The TACE timeline, re-fetched on the case page after a record changes."""
    assessed = assess_case(get_object_or_404(with_records(), pk=pk))
    return render(
        request, "cases/charts.html#timeline", {"timeline": timeline(assessed.facts, assessed.as_of)}
    )


def _records_changed(request: HttpRequest, case: Case) -> HttpResponse:
    """After an inline change: the refreshed record tables, and an event the panel and timeline follow."""
    case = get_object_or_404(with_records(), pk=case.pk)
    context = {"case": case, "record_tables": record_tables(case, request.user)}
    response = render(request, "cases/case_detail.html#records", context)
    response["HX-Retarget"] = "#records"
    response["HX-Reswap"] = "outerHTML"
    response["HX-Trigger"] = "case-changed"
    return response


def _record_kind(slug: str) -> RecordKind:
    kind = kind_for_slug(slug)
    if kind is None:
        raise Http404("No such kind of record")
    return kind


def _require_record_permission(request: HttpRequest, verb: str, slug: str) -> RecordKind:
    kind = _record_kind(slug)
    if not request.user.has_perm(f"cases.{verb}_{kind.model_name}"):
        raise PermissionDenied
    return kind


def record_add(request: HtmxHttpRequest, pk: int, kind: str) -> HttpResponse:
    record_kind = _require_record_permission(request, "add", kind)
    case = get_object_or_404(Case, pk=pk)
    form = record_form_class(record_kind)(request.POST or None, instance=record_kind.model(case=case))
    return _save_record_form(request, case, record_kind, form)


def record_edit(request: HtmxHttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    record_kind = _require_record_permission(request, "change", kind)
    record = get_object_or_404(record_kind.model, pk=record_pk, case_id=pk)
    form = record_form_class(record_kind)(request.POST or None, instance=record)
    return _save_record_form(request, record.case, record_kind, form)


def _save_record_form(
    request: HtmxHttpRequest, case: Case, kind: RecordKind, form: ModelForm[CaseRecord]
) -> HttpResponse:
    """Save a record form; inline (htmx) the page's tables refresh, otherwise back to the case page."""
    if request.method == "POST" and form.is_valid():
        try:
            record = form.save()
        except StaleEdit as stale:
            return _record_conflict(request, case, kind, form, stale)
        if request.htmx:
            return _records_changed(request, case)
        messages.success(request, f"{record} saved.")
        return redirect(f"{case.get_absolute_url()}#{kind.slug}")
    template = "cases/record_form.html#record-form" if request.htmx else "cases/record_form.html"
    return render(request, template, {"case": case, "form": form, "kind": kind.slug, "verbose": kind.name})


def _record_conflict(
    request: HtmxHttpRequest, case: Case, kind: RecordKind, form: ModelForm[CaseRecord], stale: StaleEdit
) -> HttpResponse:
    """Someone saved this record first: show theirs and yours; the form keeps yours for "save again"."""
    context = {
        "case": case,
        "kind": kind.slug,
        "verbose": kind.name,
        "conflict": conflict_message(stale.current, kind.name),
        "differences": differences(form, stale.current),
        "form": rebind(form, stale.current) if stale.current else form,
    }
    template = "cases/record_form.html#record-form" if request.htmx else "cases/record_form.html"
    return render(request, template, context, status=409)


@require_POST
def record_delete(request: HtmxHttpRequest, pk: int, kind: str, record_pk: int) -> HttpResponse:
    record_kind = _require_record_permission(request, "delete", kind)
    record = get_object_or_404(record_kind.model, pk=record_pk, case_id=pk)
    record.delete()
    if request.htmx:
        return _records_changed(request, record.case)
    messages.success(request, f"{record} deleted.")
    return redirect(f"{record.case.get_absolute_url()}#{record_kind.slug}")


@require_GET
@require("view_case")
def rule_catalogue(request: HttpRequest) -> HttpResponse:
    """The rule book for users, generated from the same catalogue the engine cites."""
    context = {"sections": rule_sections(), "rule_set": RULE_SET, "changes": CHANGES}
    return render(request, "cases/rule_catalogue.html", context)
