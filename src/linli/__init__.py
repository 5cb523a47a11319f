"""Linli (邻里): community grid governance for 三无小区."""

from .celery import app as celery_app

__all__ = ["celery_app"]
