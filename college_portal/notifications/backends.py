"""Django's SMTP backend, telling a failure that delivered nothing from one that may have.

Until the whole message (with its final dot) has been handed to the server, a failure - no
connection, a refused login, sender or recipients refused, an error reply - means the server
has not taken the message: the outbox tries again. After that, a timeout or a lost connection
before the server's reply leaves it unknown whether the server accepted the message; the
backend raises `DeliveryUncertain` and the outbox does not send it again by itself.

settings.py puts this backend in place of Django's when EMAIL_URL names an SMTP server.
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend


class DeliveryUncertain(Exception):
    """The message went out, but the server's answer never came: it may have been delivered."""


class _NotesMessageOut:
    """smtplib's `data()` sends the DATA command, reads the server's 354 and then sends the
    message in one `send()`; `message_out` is set once that send has returned."""

    message_out = False
    _message_next = False

    def getreply(self):
        code, reply = super().getreply()
        self._message_next = code == 354  # DATA accepted: the next send is the message
        return code, reply

    def send(self, s):
        message, self._message_next = self._message_next, False
        super().send(s)
        if message:
            self.message_out = True


class _SMTP(_NotesMessageOut, smtplib.SMTP):
    pass


class _SMTP_SSL(_NotesMessageOut, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        self.connection.message_out = False
        try:
            return super()._send(email_message)
        except smtplib.SMTPResponseException:
            raise  # the server answered with an error: it has not taken the message
        except Exception as exc:
            if self.connection is not None and self.connection.message_out:
                raise DeliveryUncertain(f"{type(exc).__name__}: {exc}") from exc
            raise
