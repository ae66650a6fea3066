from django.urls import path

from houbei.duty import views

app_name = "duty"

urlpatterns = [
    # /duty/posts/<pk>/ … a post's roster, today screen and records
    path("posts/<int:pk>/", views.post_roster, name="post_roster"),
    path("posts/<int:pk>/roster/assign/", views.roster_assign, name="roster_assign"),
    path("posts/<int:pk>/roster/copy/", views.roster_copy, name="roster_copy"),
    path("posts/<int:pk>/roster.xlsx", views.roster_export, name="roster_export"),
    path("posts/<int:pk>/today/", views.post_today_view, name="post_today"),
    path("posts/<int:pk>/check-in/", views.post_check_in, name="post_check_in"),
    path("posts/<int:pk>/people/", views.post_people_search, name="post_people_search"),
    path("posts/<int:pk>/records/", views.post_records_view, name="post_records"),
    path("posts/<int:pk>/day-screen/", views.post_day_screen, name="post_day_screen"),
    # /duty/assignments/<pk>/ … one roster assignment
    path("assignments/<int:pk>/remove/", views.roster_unassign, name="roster_unassign"),
    # /duty/records/<pk>/ … one duty record
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:pk>/check-out/", views.record_check_out, name="record_check_out"),
    path("records/<int:pk>/verify/", views.record_verify, name="record_verify"),
    path("records/<int:pk>/decline/", views.record_decline, name="record_decline"),
    # /duty/people/<pk>/ … a person's frontline profile
    path("people/<int:pk>/", views.person_profile, name="person_profile"),
    # /duty/review/ … records waiting for verification
    path("review/", views.review_queue_view, name="review"),
    path("review/verify/", views.review_verify, name="review_verify"),
]
