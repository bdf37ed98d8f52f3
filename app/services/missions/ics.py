"""A small RFC 5545 writer: all-day events, text escaped, lines folded at 75 octets, CRLF."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRODID = "-//Birge//Missions//EN"
LINE_OCTETS = 75


@dataclass
class Event:
    uid: str
    stamp: datetime  # UTC
    starts_on: date
    ends_on: date  # the last day (inclusive); DTEND is the day after
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def escape(text):
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newlines."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line):
    """Split a content line into lines of at most 75 octets (UTF-8), never inside a character; each
    continuation starts with one space."""
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _day(day):
    return day.strftime("%Y%m%d")


def _event_lines(event):
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{event.stamp.strftime('%Y%m%dT%H%M%SZ')}",
             f"DTSTART;VALUE=DATE:{_day(event.starts_on)}",
             f"DTEND;VALUE=DATE:{_day(event.ends_on + timedelta(days=1))}",
             f"SUMMARY:{escape(event.summary)}"]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    return [*lines, "TRANSP:TRANSPARENT", "END:VEVENT"]


def calendar(events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for event in events:
        lines += _event_lines(event)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
