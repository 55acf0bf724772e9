"""Teknikcollege Stockholm portal: project package (settings, URLs, Celery app, shared apps)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
