"""Outgoing mail: SMTP when MAIL_SERVER is set, otherwise printed to the log."""
import smtplib
from email.header import Header
from email.mime.text import MIMEText
from urllib.parse import quote, urlsplit

from flask import current_app


def send_mail(to, subject, body, *, message_id=None, headers=None):
    """Hand one mail to the server; returns once it is accepted, raises if it is refused."""
    config = current_app.config
    # The legacy (compat32) message and Header: Python 3.11's default policy drops the space between
    # two encoded words when it folds a long Kyrgyz or Russian subject ("кагылды:Бизде").
    message = MIMEText(body, "plain", "utf-8")
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = Header(subject, "utf-8")
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value

    if not config.get("MAIL_SERVER"):
        current_app.logger.warning("Mail (no MAIL_SERVER set, not sent):\nTo: %s\nSubject: %s\n\n%s", to, subject, body)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def stable_message_id(local_part):
    """A Message-ID that is the same each time this mail is sent (a repeat after a crash can be
    folded by the reader's client): the local part names the mail, the domain is PUBLIC_URL's."""
    return f"<{local_part}@{urlsplit(current_app.config['PUBLIC_URL']).hostname}>"


def absolute_url(endpoint, **values):
    """A full link for mail, in a request or in the worker: built on PUBLIC_URL, never on the
    request's Host header, which whoever sends the request chooses."""
    anchor = values.pop("_anchor", None)  # as url_for takes it; the map's build does not know it
    base = urlsplit(current_app.config["PUBLIC_URL"])
    urls = current_app.url_map.bind(base.netloc, url_scheme=base.scheme, script_name=base.path or "/")
    url = urls.build(endpoint, values, force_external=True)
    return f"{url}#{quote(anchor)}" if anchor else url
