"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives for the test to read.

``slow_down(s)`` makes it take s seconds per message. ``refuse(n)`` makes it answer the next n messages with a permanent refusal (554) at DATA, as a
mail server that is full or rejecting does; after that it accepts again.
"""
import asyncio
import email
import email.policy
import socket

from aiosmtpd.controller import Controller


class _Collect:
    def __init__(self):
        self.messages = []
        self.refused = 0  # how many messages were refused so far
        self.to_refuse = 0
        self.delay = 0  # seconds before answering each message: a slow server

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.to_refuse:
            self.to_refuse -= 1
            self.refused += 1
            return "554 Transaction failed: mailbox unavailable"
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

    @property
    def refused(self):
        return self._handler.refused

    def reset(self):
        """Forget what was received, refused or asked for: a test starts with a plain server."""
        self._handler.messages.clear()
        self._handler.refused = self._handler.to_refuse = 0
        self._handler.delay = 0

    def refuse(self, count):
        """Refuse the next `count` messages, then accept again."""
        self._handler.to_refuse = count

    def slow_down(self, seconds):
        """Take this long to answer each message (so a test can stop a sender halfway)."""
        self._handler.delay = seconds

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()
