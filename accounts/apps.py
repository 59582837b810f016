from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")


class MaktabaUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms that fit our user model (Wagtail 8 ignores the old
    WAGTAIL_USER_* settings)."""

    user_viewset = "accounts.wagtail_views.UserViewSet"
