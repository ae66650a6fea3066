from django.urls import path

from houbei.teams import views

app_name = "teams"

urlpatterns = [
    # /teams/ … teams of the user's regions
    path("", views.team_list_view, name="list"),
    path("new/", views.team_create, name="create"),
    # /teams/<pk>/ … one team: members, sign-up links, applications
    path("<int:pk>/", views.team_detail, name="detail"),
    path("<int:pk>/edit/", views.team_edit, name="edit"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/links/", views.link_open, name="link_open"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("links/<int:pk>/close/", views.link_close, name="link_close"),
    path("links/<int:pk>/qr.svg", views.link_qr, name="link_qr"),
    path("applications/<int:pk>/accept/", views.application_accept, name="application_accept"),
    path("applications/<int:pk>/decline/", views.application_decline, name="application_decline"),
]
