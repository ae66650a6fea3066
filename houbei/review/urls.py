from django.urls import path

from houbei.review import views

app_name = "review"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("new/", views.batch_create, name="batch_create"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/ledger.xlsx", views.ledger_xlsx, name="ledger_xlsx"),
    path("<int:pk>/ledger.pdf", views.ledger_pdf, name="ledger_pdf"),
    path("<int:pk>/publish/", views.batch_publish, name="publish"),
    path("subjects/<int:pk>/objection/", views.objection_add, name="objection_add"),
    path("objections/<int:pk>/", views.objection_resolve, name="objection_resolve"),
    path("queue/", views.queue, name="queue"),
    path("queue/<int:pk>/", views.verdict, name="verdict"),
    path("queue/<int:pk>/reveal/", views.verdict_reveal, name="verdict_reveal"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/departments/new/", views.department_edit, name="department_add"),
    path("settings/departments/<int:pk>/", views.department_edit, name="department_edit"),
    path("settings/items/new/", views.item_edit, name="item_add"),
    path("settings/items/<int:pk>/", views.item_edit, name="item_edit"),
]
