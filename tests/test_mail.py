"""What the mail server receives is what was written (through the real SMTP server of tests/mailbox.py)."""
import pytest

from app.mail import send_mail


LONG_LINK = "https://birge.example/notifications/unsubscribe/eyJ1c2VyIjo1LCJraW5kIjoiZGlnZXN0In0.XSue_r13JyM5YOFy5"


@pytest.fixture
def app_overrides(mailbox):
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": mailbox.port}


@pytest.mark.parametrize("subject", [
    # Python's default email policy dropped the space after "кагылды:" when it folded this one
    "«Мектептин чатыры» долбоорундагы «Цемент» боюнча сунушуңуз четке кагылды: Бизде жетиштүү",
    "Ваш взнос 5 000 сом на «Bridge over the Naryn river» подтверждён — спасибо: он учтён в проекте",
    "Short ASCII subject",
])
def test_a_long_kyrgyz_or_russian_subject_arrives_with_every_space(app, mailbox, subject):
    with app.app_context():
        send_mail("aigul@example.kg", subject, "Тело письма: көпүрө.\nhttps://birge.example/projects/1",
                  message_id="<notification-1@birge.example>", headers={"List-Unsubscribe": f"<{LONG_LINK}>"})
    [mail] = mailbox.messages
    assert mail["Subject"] == subject
    assert mail["To"] == "aigul@example.kg" and mail["Message-ID"] == "<notification-1@birge.example>"
    assert mail["List-Unsubscribe"].strip() == f"<{LONG_LINK}>"  # folded onto its own line, whole
    assert "Тело письма: көпүрө." in mail.get_content()
