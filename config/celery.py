"""The Celery application.

Tasks run eagerly (in-process) in the embedded default; with ``REDIS_URL`` set they go to Redis and a
worker. Jobs are queued through ``core.jobs`` (a database outbox), never with ``.delay()`` directly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("maktaba")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
