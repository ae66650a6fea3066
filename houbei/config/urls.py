from django.urls import include, path

handler500 = "houbei.web.views.server_error"

urlpatterns = [
    path("", include("houbei.web.urls")),
    path("accounts/", include("houbei.accounts.urls")),
    path("regions/", include("houbei.regions.urls")),
    path("people/", include("houbei.people.urls")),
    path("audit/", include("houbei.audit.urls")),
    path("campaigns/", include("houbei.campaigns.urls")),
    path("duty/", include("houbei.duty.urls")),
    path("teams/", include("houbei.teams.urls")),
    path("deeds/", include("houbei.deeds.urls")),
    path("pipeline/", include("houbei.pipeline.urls")),
    path("assessments/", include("houbei.assessments.urls")),
    path("cultivation/", include("houbei.cultivation.urls")),
    path("party/", include("houbei.party.urls")),
    path("review/", include("houbei.review.urls")),
    path("seats/", include("houbei.seats.urls")),
    path("reports/", include("houbei.reports.urls")),
    path("jobs/", include("houbei.jobs.urls")),
    path("imports/", include("houbei.imports.urls")),
    path("api/v1/", include("houbei.api.urls")),
    path("api-tokens/", include("houbei.api.token_urls")),
    path("join/", include("houbei.teams.public_urls")),
]
