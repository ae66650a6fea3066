from django.urls import path

from houbei.pipeline import views

app_name = "pipeline"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/dossier/", views.dossier, name="dossier"),
    path("people/<int:pk>/dossier.pdf", views.dossier_pdf, name="dossier_pdf"),
    path("dossiers.pdf", views.dossiers_pdf, name="dossiers_pdf"),
    path("people/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("people/<int:pk>/decide/", views.decide, name="decide"),
    path("people/<int:pk>/opinion/", views.opinion, name="opinion"),
    path("decisions/<int:pk>/", views.decision, name="decision"),
    path("targets/", views.targets, name="targets"),
    path("targets/<str:code>/", views.target_edit, name="target_edit"),
    path("ranking/", views.ranking_view, name="ranking"),
    path("weights/", views.weights, name="weights"),
]
