from django.urls import path

from houbei.reports import views

app_name = "reports_api"
urlpatterns = [
    path("reports/frontline/", views.frontline_api, name="frontline"),
]
