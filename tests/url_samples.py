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
