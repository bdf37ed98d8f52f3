"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives for the test to read."""
import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


class Mailbox:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._handler = _Collect()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self._handler.messages

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()
