from django.urls import path

from houbei.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.xlsx", views.dashboard_export, name="dashboard_export"),
    path("people/", views.people, name="people"),
    path("people.xlsx", views.people_export, name="people_export"),
    path("duty-records.xlsx", views.duty_records_export, name="duty_records_export"),
    path("decisions.xlsx", views.decisions_export, name="decisions_export"),
]
