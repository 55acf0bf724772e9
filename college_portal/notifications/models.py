"""The outbox: one row per notification event, written in the transaction that causes it."""

import hashlib
from datetime import UTC
from email.utils import parseaddr

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Claimed by one attempt (committed before it talks to the mail server) until
        # lease_until; a row still sending after that is taken over (its worker died).
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        # The connection was lost after the message data went out: the server may have
        # accepted it. Never retried blindly; a project lead may send it again.
        UNCERTAIN = "uncertain", _("Uncertain (may have been delivered)")
        FAILED = "failed", _("Failed")

    event_key = models.CharField(
        _("event key"),
        max_length=200,
        unique=True,
        help_text=_("Identifies the event; a second notification of the same event is never made."),
    )
    kind = models.CharField(_("kind"), max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    lease_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("While sending: after this time the notification is tried again."),
    )
    claim = models.UUIDField(
        _("claim"),
        null=True,
        blank=True,
        help_text=_("The attempt sending it now; only that attempt records the outcome."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notif_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sending")
                | models.Q(lease_until__isnull=False, claim__isnull=False),
                name="notification_sending_is_claimed",
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.email}"

    @property
    def message_id(self):
        """The Message-ID of every attempt: derived from the event (its key and when its row
        was written), so a receiving system can drop a second copy. The row's time keeps a
        key reused by another database (ids start again) from naming another mail."""
        seed = f"{self.event_key}|{self.created_at.astimezone(UTC).isoformat()}"
        digest = hashlib.sha256(seed.encode()).hexdigest()[:32]
        domain = (
            settings.NOTIFICATION_MESSAGE_ID_DOMAIN
            or parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
            or "portal.invalid"
        )
        return f"<{digest}@{domain}>"
