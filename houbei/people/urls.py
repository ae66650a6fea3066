from django.urls import path

from houbei.people import views

app_name = "people"

urlpatterns = [
    # /people/ … the registry of the user's regions
    path("", views.person_list_view, name="list"),
    path("new/", views.person_create, name="create"),
    path("groups/", views.group_options, name="group_options"),
    # /people/<pk>/ … one person
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/<str:field>/", views.person_reveal, name="reveal"),
    path("<int:pk>/photo/", views.person_photo, name="photo"),
    path("<int:pk>/relatives/", views.relatives, name="relatives"),
    path("relatives/<int:pk>/remove/", views.relative_remove, name="relative_remove"),
]
