"""The request of a view that reads `request.htmx` (set by django-htmx's HtmxMiddleware).

For annotations only, as the django-htmx docs type it: at runtime the view gets Django's request.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
