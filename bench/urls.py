"""Houbei's URLs and a bare view beside them: the throughput floor does nothing but pass
through the same middleware (session, sign-in, scope) as the dashboard."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from houbei.config.urls import urlpatterns as houbei_urls


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *houbei_urls]
handler500 = "houbei.web.views.server_error"
