"""Text messages go through settings.SMS_BACKEND (accounts.sms): the console backend prints them (the demo),
the in-memory one keeps them (the tests)."""

import io

from accounts import sms


def test_the_tests_use_the_in_memory_outbox():
    sms.outbox.clear()
    assert sms.send_sms(to="13812345678", text="【末梢】验证码 123456") == 1
    assert sms.outbox == [sms.SmsMessage(to="13812345678", text="【末梢】验证码 123456")]
    sms.outbox.clear()


def test_the_console_backend_prints_each_message(settings):
    stream = io.StringIO()
    sent = sms.ConsoleBackend(stream=stream).send_messages([sms.SmsMessage(to="13812345678", text="验证码 654321")])
    assert sent == 1 and stream.getvalue() == "[短信] 发送至 13812345678：验证码 654321\n"


def test_the_backend_is_chosen_by_settings(settings, capsys):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"
    sms.outbox.clear()
    sms.send_sms(to="13812345678", text="验证码 111111")
    assert "发送至 13812345678：验证码 111111" in capsys.readouterr().out and sms.outbox == []
