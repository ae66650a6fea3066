from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_GET

from houbei.accounts.roles import Capability
from houbei.accounts.selectors import grants_of
from houbei.campaigns.selectors import posts_led_by
from houbei.duty.selectors import review_queue
from houbei.lib.http import AuthenticatedHttpRequest
from houbei.party.rules import Urgency
from houbei.party.selectors import due_items
from houbei.people.selectors import people_summary
from houbei.pipeline.selectors import pool_status
from houbei.web.middleware import database_unavailable


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = request.scope
    summary = people_summary(scope=scope) if scope.can(Capability.PEOPLE_VIEW) else None
    grants = grants_of(user=request.user)
    party_due = (
        due_items(scope=scope, today=timezone.localdate())
        if scope.can(Capability.PARTY_TRACK)
        else []
    )
    return render(
        request,
        "web/home.html",
        {
            "section": "home",
            "summary": summary,
            "grants": grants,
            "led_posts": posts_led_by(scope=scope),
            "pending_reviews": review_queue(scope=scope).count()
            if scope.can(Capability.DUTY_VERIFY) or scope.can(Capability.POST_LEAD)
            else None,
            "party_due": len(party_due),
            "party_overdue": sum(1 for item in party_due if item.urgency == Urgency.OVERDUE),
            "villages_below_target": sum(1 for row in pool_status(scope=scope) if row.below_target)
            if scope.can(Capability.POOL_TARGETS)
            else 0,
            "can_register": scope.can(Capability.PEOPLE_EDIT),
            "can_view_people": scope.can(Capability.PEOPLE_VIEW),
        },
    )


@require_GET
def healthz(request: AuthenticatedHttpRequest) -> JsonResponse:
    """For the operator's monitoring: the process answers and the database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the database being out of reach is a 503 with its own page, wherever in
    the request it was noticed; anything else is Django's 500 page (500.html)."""
    return database_unavailable(sys.exc_info()[1]) or defaults.server_error(request)
