from django.urls import path

from houbei.campaigns import views

app_name = "campaigns"

urlpatterns = [
    # /campaigns/ … the 练兵场 the user can see
    path("", views.campaign_list_view, name="list"),
    path("new/", views.campaign_create, name="create"),
    # /campaigns/<pk>/ … one campaign and its posts
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/posts/new/", views.post_create, name="post_create"),
    # /campaigns/posts/<pk>/edit/ … one post's settings (its roster lives under /duty/)
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
]
