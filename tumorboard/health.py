"""`/healthz`: is this app server up and can it reach its database (and its shared cache)?

Answers 200 "ok"; 200 "degraded" when the shared Redis cache does not answer (the server still
serves every page, uncached: tumorboard/cache.py), so a load balancer keeps it in rotation while a
monitor can alert; 503 when the database does not answer (nothing can be served).

For load balancers and monitors: no sign-in, no session, no template, one trivial query
(`SELECT 1` on the request's database connection). It is also the floor of the performance budget
(docs/performance.md): the cheapest request that still goes through the whole middleware stack.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from tumorboard.cache import cache_health

log = logging.getLogger(__name__)


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        log.error("health check: database unreachable: %s", type(error).__name__)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    if cache_health() != "ok":
        return HttpResponse("degraded: cache unreachable, serving uncached\n", content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
