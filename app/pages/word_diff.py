"""A word-level diff of two texts, for the review page: which words a change removed and added.

Plain data, no database and no HTML: the template escapes every word and marks the changes."""
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL, INSERT, DELETE = "equal", "insert", "delete"


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str


def words(text):
    return (text or "").split()


def word_diff(before, after):
    """[Segment] that read as the new text with the removed words in place: runs of equal, deleted
    and inserted words, each run's words joined by single spaces (a replacement is a deletion
    followed by an insertion)."""
    old, new = words(before), words(after)
    segments = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, " ".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment(DELETE, " ".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment(INSERT, " ".join(new[j1:j2])))
    return segments


def changed(segments):
    return any(s.op != EQUAL for s in segments)
