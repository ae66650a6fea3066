from django.contrib.auth import views as auth_views
from django.urls import path

from houbei.accounts import views
from houbei.accounts.forms import SignInForm

app_name = "accounts"

urlpatterns = [
    # /accounts/login/ … sign-in, sign-out, own password
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    # /accounts/users/ … accounts administered in the user's regions
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/grants/", views.grant_add, name="grant_add"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    # /accounts/grants/<pk>/ … one grant
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant_revoke"),
]
