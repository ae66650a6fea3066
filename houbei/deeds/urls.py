from django.urls import path

from houbei.deeds import views

app_name = "deeds"

urlpatterns = [
    # /deeds/people/<pk>/new/ … record a deed of a person
    path("people/<int:person_pk>/new/", views.deed_create, name="create"),
    # /deeds/<pk>/ … one deed and its evidence
    path("<int:pk>/edit/", views.deed_edit, name="edit"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]
