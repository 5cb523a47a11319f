"""Celery application.

With ``CELERY_BROKER_URL`` set (production: Redis) tasks go to workers; without it
(the embedded default) every task runs in-process, eagerly, with no broker to install.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")

app = Celery("linli")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
