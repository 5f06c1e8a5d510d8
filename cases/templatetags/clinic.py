"""Display helpers: how a value that may be unrecorded is shown. Formatting only, no clinical logic."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cases.clinical import labels
from cases.clinical.catalogue import RULES

register = template.Library()

NOT_RECORDED = mark_safe('<span class="unknown" title="not recorded">Not recorded</span>')


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


# Words for the engine's keys, for screens that show a stored assessment (a signed decision's
# frozen snapshot): the clinic reads labels, never keys; the keys stay in data-* attributes and JSON.
@register.filter
def regimen_words(key: str) -> str:
    return labels.REGIMEN_LABELS.get(key, key.replace("_", " "))


@register.filter
def status_words(key: str) -> str:
    return labels.STATUS_LABELS.get(key, key.replace("_", " "))


@register.filter
def step_words(key: str) -> str:
    return labels.STEP_LABELS.get(key, key)


@register.filter
def rule_title(rule_id: str) -> str:
    return RULES[rule_id].title if rule_id in RULES else rule_id


@register.filter
def severity_words(key: str) -> str:
    return labels.SEVERITY_LABELS.get(key, key)


RULE_ID = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(RULES, key=len, reverse=True)) + r")(?![\w-])"
)


@register.filter
def rule_links(text: str) -> SafeString:
    """Prose that names rules by id (the rule book's readings, change notes): each id becomes a
    link to its entry on the Rules page, shown as code."""
    url = reverse("cases:rules")
    return mark_safe(
        RULE_ID.sub(
            lambda m: f'<a href="{url}#{m.group(1)}"><code>{m.group(1)}</code></a>', str(escape(text))
        )
    )
