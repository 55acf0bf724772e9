"""Notifications: a transactional outbox of e-mails, sent by Celery, each exactly once."""
