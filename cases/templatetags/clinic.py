"""Display helpers: how a value that may be unrecorded is shown. Formatting only, no clinical logic."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

NOT_RECORDED = mark_safe('<span class="unknown">not recorded</span>')


@register.filter
def recorded(value: object, unit: str = "") -> object:
    """Show None/blank as a visibly "not recorded" mark (unknown is never shown as normal).

    ``{{ case.weight_kg|recorded:"kg" }}`` adds the unit to a recorded value, never to the mark.
    """
    if value is None or value == "":
        return NOT_RECORDED
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, float):
        value = f"{value:g}"
    return f"{value} {unit}" if unit else value


@register.simple_tag
def choice(record: object, field: str) -> SafeString | str:
    """The display label of a choice field, or the "not recorded" mark when blank."""
    if not getattr(record, field):
        return recorded(None)  # type: ignore[return-value]
    return getattr(record, f"get_{field}_display")()
