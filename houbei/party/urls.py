from django.urls import path

from houbei.party import views

app_name = "party"

urlpatterns = [
    path("", views.due, name="due"),
    path("people/<int:pk>/", views.track, name="track"),
    path("people/<int:pk>/<str:step_code>/", views.step, name="step"),
]
