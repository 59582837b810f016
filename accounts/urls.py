from django.urls import path, reverse_lazy
from django.views.generic import TemplateView

from . import views, views_api_tokens, views_personal_data

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup-done"),
    path("signup/resend/", views.resend_activation, name="resend-activation"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path(
        "password/reset/sent/",
        TemplateView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path(
        "password/reset/complete/",
        TemplateView.as_view(
            template_name="accounts/password_reset_complete.html",
            extra_context={"login_url": reverse_lazy("accounts:login")},
        ),
        name="password-reset-complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("learners/new/", views.learner_create, name="learner-create"),
    path("api-tokens/", views_api_tokens.api_token_list, name="api-tokens"),
    path("api-tokens/<int:token_id>/revoke/", views_api_tokens.api_token_revoke, name="api-token-revoke"),
    path("profile/data/", views_personal_data.data_export_request, name="data-export"),
    path("profile/data/<uuid:job_id>/", views_personal_data.data_export_result, name="data-export-result"),
    path("profile/data/<uuid:job_id>/my-data.zip", views_personal_data.data_export_file, name="data-export-file"),
    path("profile/delete/", views_personal_data.account_delete, name="account-delete"),
    path("deleted/", views_personal_data.account_deleted, name="account-deleted"),
]
