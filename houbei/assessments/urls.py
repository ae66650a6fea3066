from django.urls import path

from houbei.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/ballot/", views.ballot, name="ballot"),
    path("<int:pk>/close/", views.round_close, name="close"),
]
