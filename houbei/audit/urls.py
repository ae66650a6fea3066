from django.urls import path

from houbei.audit import views

app_name = "audit"

urlpatterns = [
    # /audit/ … the audit trail of the user's regions
    path("", views.audit_list_view, name="list"),
    path("<int:pk>/", views.audit_detail, name="detail"),
]
