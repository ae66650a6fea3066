from django.urls import path

from houbei.seats import views

app_name = "seats"

urlpatterns = [
    path("", views.index, name="index"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("villages/<str:code>/", views.village, name="village"),
    path("villages/<str:code>/setup/", views.set_up, name="setup"),
    path("<int:pk>/holder/", views.incumbent, name="incumbent"),
    path("<int:pk>/vacant/", views.vacancy_open, name="vacancy_open"),
    path("vacancies/<int:pk>/", views.vacancy, name="vacancy"),
]
