from django.urls import path

from houbei.teams import views

app_name = "join"

urlpatterns = [
    # /join/<token>/ … the public volunteer sign-up page (no account needed)
    path("<str:token>/", views.signup, name="signup"),
    path("<str:token>/done/", views.signup_done, name="done"),
]
