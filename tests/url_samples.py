"""Enumerate the app's URL patterns (not hand-listed), with sample arguments for each."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

SAMPLE_KWARGS = {
    "pk": 1,
    "record_pk": 1,
    "kind": "labs",
    "item_pk": 1,
    "decision_pk": 1,
    "action_pk": 1,
    "attendee_pk": 1,
    "service_id": "hcc-tace-review",
}


def app_url_names() -> list[str]:
    """Every named URL of the project outside the admin, login, logout and the public health check."""
    names: list[str] = []

    def walk(patterns: list, namespace: str | None = None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns)
    return [name for name in names if name not in ("login", "logout", "healthz")]


def sample_url(name: str) -> str:
    """Reverse a URL name ("cases:detail" or "meetings:list") with sample values for whatever arguments it takes."""
    from django.urls import reverse

    resolver = get_resolver()
    *namespaces, short_name = name.split(":")
    for namespace in namespaces:  # a namespaced name's patterns are in its namespace's resolver
        resolver = resolver.namespace_dict[namespace][1]
    for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(short_name):
        for _result, params in possibility:
            return reverse(name, kwargs={param: SAMPLE_KWARGS[param] for param in params})
    return reverse(name)


def demo_url(name: str) -> str:
    """Reverse a URL name with the ids of the demo data (`manage.py seed_demo`): a case with records,
    the upcoming meeting and its first agenda item, or the past meeting and its signed decision."""
    from cases.models import Case
    from meetings.demo import NEXT_MEETING
    from meetings.models import Decision, Meeting

    case = Case.objects.get(label="HCC-0102")
    decision = Decision.objects.filter(signed_at__isnull=False).select_related("agenda_item").first()
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    item = meeting.items.first()
    samples = dict(SAMPLE_KWARGS)
    if name.startswith("meetings:"):
        samples["pk"] = meeting.pk
        samples["item_pk"] = item.pk if item else 1
        if "decision" in name and decision is not None:
            samples["pk"] = decision.agenda_item.meeting_id
            samples["decision_pk"] = decision.pk
    else:
        samples["pk"] = case.pk
        samples["record_pk"] = case.labs.first().pk if case.labs.exists() else 1
    resolver = get_resolver()
    *namespaces, short_name = name.split(":")
    for namespace in namespaces:
        resolver = resolver.namespace_dict[namespace][1]
    from django.urls import reverse

    for possibility, _pattern, _defaults, _converters in resolver.reverse_dict.getlist(short_name):
        for _result, params in possibility:
            return reverse(name, kwargs={param: samples[param] for param in params})
    return reverse(name)
