from django.urls import include, path

urlpatterns = [
    path("", include("houbei.web.urls")),
    path("accounts/", include("houbei.accounts.urls")),
    path("regions/", include("houbei.regions.urls")),
    path("people/", include("houbei.people.urls")),
    path("audit/", include("houbei.audit.urls")),
]
