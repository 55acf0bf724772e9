"""A real SMTP server for the outbox's tests (aiosmtpd, in a thread): it records every message
it receives, with its Message-ID, and can be told to misbehave the way mail servers do."""

import asyncio
import email
import threading
import time

from aiosmtpd.controller import Controller

from tests.helpers import closed_port


class Recorder:
    """The server's handler. Every message is recorded when its data has arrived, before the
    server answers: a server that has the message may deliver it, answered or not.

    ack_delay: seconds before the answer to the message data (a slow server).
    hold: when set, the answer waits until `release()` (or `hold_limit` seconds).
    rcpt_delay: seconds before the answer to RCPT (slow before the message went out).
    rcpt_reply / data_reply: an answer instead of 250 (e.g. "550 No such user").
    """

    hold_limit = 30

    def __init__(self):
        self.messages = []
        self.received = threading.Event()
        self._released = threading.Event()
        self.ack_delay = 0
        self.hold = False
        self.rcpt_delay = 0
        self.rcpt_reply = None
        self.data_reply = None

    @property
    def message_ids(self):
        return [message["Message-ID"] for message in self.messages]

    def release(self):
        self._released.set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.rcpt_delay)
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append(email.message_from_bytes(envelope.original_content))
        self.received.set()
        await asyncio.sleep(self.ack_delay)
        deadline = time.monotonic() + self.hold_limit
        while self.hold and not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.recorder = Recorder()
        self.port = closed_port()  # free now; the server takes it
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, ready_timeout=10
        )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.recorder.release()
        self.controller.stop()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"
