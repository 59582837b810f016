from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """Email confirmation links. The hash covers ``is_active``, so a link stops working once used; it is valid
    for ``ACCOUNT_ACTIVATION_TIMEOUT`` (Django's own check would apply the password-reset timeout)."""

    key_salt = "maktaba.accounts.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            timestamp_b36, _ = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.ACCOUNT_ACTIVATION_TIMEOUT


activation_token = ActivationTokenGenerator()
