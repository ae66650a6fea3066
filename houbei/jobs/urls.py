from django.urls import path

from houbei.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<uuid:key>/", views.job, name="job"),
    path("<uuid:key>/download/", views.download, name="download"),
]
