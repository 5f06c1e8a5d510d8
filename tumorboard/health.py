"""`/healthz`: is this app server up and can it reach its database?

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
    return HttpResponse("ok\n", content_type="text/plain")
