"""Text messages (短信) through a pluggable backend, as Django's mail: settings.SMS_BACKEND names a class with
`send_messages(messages) -> int`. The ground floor holds the interface so that any app may send; a provider's
gateway (Aliyun, Tencent Cloud) is one more backend class, configured by the operator.

- `ConsoleBackend` (the demo's and the development default) writes each message to standard output;
- `LocmemBackend` (the tests) keeps them in `accounts.sms.outbox`.

    send_sms(to="13812341234", text="【末梢】您的验证码是 123456，10 分钟内有效。")
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Protocol, TextIO

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "accounts.sms.ConsoleBackend"


@dataclass(frozen=True)
class SmsMessage:
    to: str  # a normalised number (accounts.phones)
    text: str


class SmsBackend(Protocol):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        """Send the messages; answer how many were handed over to the carrier."""


class ConsoleBackend:
    """Writes each message to a stream (standard output): the demo shows the code in its terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()

    def send_messages(self, messages: list[SmsMessage]) -> int:
        with self._lock:
            for message in messages:
                self.stream.write(f"[短信] 发送至 {message.to}：{message.text}\n")
            self.stream.flush()
        return len(messages)


# LocmemBackend's outbox, as django.core.mail.outbox: the tests read and clear it.
outbox: list[SmsMessage] = []


class LocmemBackend:
    """Keeps the messages in `accounts.sms.outbox` (the tests)."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> SmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", DEFAULT_BACKEND))()


def send_sms(*, to: str, text: str) -> int:
    """Send one message to one number through settings.SMS_BACKEND; answer 1 when handed over."""
    return get_backend().send_messages([SmsMessage(to=to, text=text)])
