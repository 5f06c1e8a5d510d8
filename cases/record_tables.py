"""The case page's tables of dated records, prepared for the template: one table per record kind
(cases/record_kinds.py), each cell already the value to show (None shows as "not recorded")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.models import Case
from cases.record_kinds import RECORD_KINDS, Column, RecordKind


@dataclass(frozen=True, kw_only=True)
class RecordRow:
    record: Any  # the stored record (its edit and delete buttons name it)
    cells: tuple[object, ...]


@dataclass(frozen=True, kw_only=True)
class RecordTable:
    """One kind's records as the case page lists them, and what the user may do to them."""

    slug: str
    title: str
    table_id: str
    width: str
    headers: tuple[str, ...]
    rows: tuple[RecordRow, ...]
    none_recorded: str
    can_add: bool
    can_change: bool
    can_delete: bool

    @property
    def colspan(self) -> int:
        return len(self.headers) + 1  # and the column of the buttons


def _cell(record: Any, column: Column, number: int) -> object:
    if column.shows == "row_number":
        return number
    value = getattr(record, column.field)
    if column.shows == "date":
        return value.isoformat() if value else None
    if column.shows == "label":
        return getattr(record, f"get_{column.field}_display")() if value else None
    return value


def _table(case: Case, kind: RecordKind, user: Any) -> RecordTable:
    def may(verb: str) -> bool:
        # Only buttons that will work are offered; the views enforce the same permissions.
        return bool(user.has_perm(f"cases.{verb}_{kind.model_name}"))

    table = kind.table
    records = getattr(case, kind.related_name).all()
    return RecordTable(
        slug=kind.slug,
        title=table.title,
        table_id=table.table_id,
        width=table.width,
        headers=tuple(column.header for column in table.columns),
        rows=tuple(
            RecordRow(record=record, cells=tuple(_cell(record, column, number) for column in table.columns))
            for number, record in enumerate(records, start=1)
        ),
        none_recorded=table.none_recorded,
        can_add=may("add"),
        can_change=may("change"),
        can_delete=may("delete"),
    )


def record_tables(case: Case, user: Any) -> list[RecordTable]:
    """Every kind's table in the registry's order. Pass a case from `with_records()` (no query per kind)."""
    return [_table(case, kind, user) for kind in RECORD_KINDS]
