from django.urls import path

from houbei.cultivation import views

app_name = "cultivation"

urlpatterns = [
    path("people/<int:pk>/mentors/new/", views.mentor_add, name="mentor_add"),
    path("mentorships/<int:pk>/talks/new/", views.talk_add, name="talk_add"),
    path("mentorships/<int:pk>/end/", views.mentor_end, name="mentor_end"),
    path("people/<int:pk>/assignments/new/", views.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/", views.assignment_edit, name="assignment_edit"),
    path("people/<int:pk>/trainings/new/", views.training_add, name="training_add"),
]
