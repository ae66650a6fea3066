from django.urls import path

from houbei.imports import views

app_name = "imports"
urlpatterns = [
    path("people/", views.people_upload, name="people"),
    path("people/example.xlsx", views.example, name="example"),
    path("duty/<int:campaign_pk>/", views.duty_upload, name="duty"),
    path("duty/<int:campaign_pk>/form.xlsx", views.duty_form, name="duty_form"),
    path("<uuid:key>/", views.preview, name="preview"),
    path("<uuid:key>/apply/", views.apply, name="apply"),
    path("<uuid:key>/result/", views.result, name="result"),
    path("<uuid:key>/rejected.xlsx", views.errors, name="errors"),
]
