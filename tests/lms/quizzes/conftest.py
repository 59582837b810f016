"""Fixtures shared by the quizzes' page tests: a trainer, signed in."""

from __future__ import annotations

import pytest

from tests.factories.roles import trainer as make_trainer


@pytest.fixture
def trainer():
    return make_trainer(full_name="Layla Trainer")


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client
