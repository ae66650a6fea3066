from django.urls import path

from houbei.regions import views

app_name = "regions"

urlpatterns = [
    # /regions/ … the tree of the user's regions
    path("", views.region_index, name="index"),
    path("import/", views.region_import, name="import"),
    path("import/apply/", views.region_import_apply, name="import_apply"),
    # /regions/<code>/ … one region
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
    path("<str:code>/new/", views.region_create_child, name="create_child"),
    path("<str:code>/merge/", views.region_merge, name="merge"),
]
