"""The domain's words in Kyrgyz, Russian and English, and the query expansion both engines use.

app/search/data/vocabulary.csv holds one concept a row (``concept,ky,ru,en``; variants in a cell
are separated by ``|``): "мост" is the same thing as «көпүрө» and "bridge". A query is expanded
here, at query time only (documents are never changed): `query_groups` turns it into groups, every
one of which must match; a group is one typed word, or a phrase the vocabulary knows ("детский
сад"), with its alternatives — the stems as typed first, then the same concept in the other
languages, then Cyrillic readings of a word typed in Latin letters. Both engines build their
queries from the same groups, so they expand alike; the weights let them rank a match in the
language typed above a translated one.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.search import translit
from app.search.text import stem, words

PATH = Path(__file__).parent / "data" / "vocabulary.csv"
LANGUAGES = ("ky", "ru", "en")
TYPED, LATIN_READING, TRANSLATED = 1.0, 0.8, 0.5  # the weights of a group's alternatives
MAX_GROUPS = 12  # as many as text.query_stems keeps
MAX_ALTERNATIVES = 24
MIN_PREFIX = 4  # a query stem matches a longer one's variant only from this length ("көпүрөлөр")


@dataclass(frozen=True)
class Alternative:
    stems: tuple  # one stem a word, in order: several for a phrase
    weight: float
    words: tuple = ()  # the words as typed, for the typed alternative


@dataclass(frozen=True)
class Group:
    alternatives: tuple  # the typed one first

    @property
    def typed(self):
        return self.alternatives[0]

    @property
    def expanded(self):
        return len(self.alternatives) > 1


@dataclass(frozen=True)
class Concept:
    key: str
    variants: dict  # language -> tuple of variants as written

    def stems(self):
        """Each variant's stems, in the CSV's order of languages and variants."""
        return [phrase_stems(v) for lang in LANGUAGES for v in self.variants[lang]]


def phrase_stems(text):
    return tuple(stem(w) for w in words(text))


def read(path=PATH):
    with open(path, encoding="utf-8", newline="") as f:
        return [Concept(row["concept"], {lang: tuple(v.strip() for v in (row[lang] or "").split("|"))
                                         for lang in LANGUAGES})
                for row in csv.DictReader(f)]


class Lexicon:
    """The concepts by the stems of their variants."""

    def __init__(self, concepts):
        self.concepts = concepts
        self.by_stems = {}
        for concept in concepts:
            for stems in concept.stems():
                if stems and concept not in self.by_stems.setdefault(stems, []):
                    self.by_stems[stems].append(concept)
        self.longest = max((len(k) for k in self.by_stems), default=1)

    def match(self, stems, start):
        """(how many of stems from start form the longest known variant, its concepts), or (0, [])."""
        for n in range(min(self.longest, len(stems) - start), 0, -1):
            head, last = tuple(stems[start:start + n - 1]), stems[start + n - 1]
            for k in range(len(last), 0, -1):
                if k < len(last) and k < MIN_PREFIX:
                    break
                found = self.by_stems.get(head + (last[:k],))
                if found:
                    return n, found
        return 0, []


@lru_cache(maxsize=1)
def lexicon():
    return Lexicon(read())


def _alternatives(typed, words_typed, concepts, latin_words):
    alternatives = [Alternative(typed, TYPED, words_typed)]
    seen = {typed}

    def add(stems, weight):
        if stems and stems not in seen and len(alternatives) < MAX_ALTERNATIVES:
            seen.add(stems)
            alternatives.append(Alternative(stems, weight))

    for concept in concepts:
        for stems in concept.stems():
            add(stems, TRANSLATED)
    for word in latin_words:
        for spelling in translit.candidates(word):
            stems = phrase_stems(spelling)
            add(stems, LATIN_READING)
            n, found = lexicon().match(stems, 0)
            if n == len(stems):
                for concept in found:
                    for other in concept.stems():
                        add(other, TRANSLATED)
    return tuple(alternatives)


@lru_cache(maxsize=4096)
def query_groups(text):
    """The groups of a query, in the order typed; each group's typed stems appear once."""
    typed_words = words(text)
    stems = [stem(w) for w in typed_words]
    groups, seen, i = [], set(), 0
    while i < len(stems) and len(groups) < MAX_GROUPS:
        n, concepts = lexicon().match(stems, i)
        n = n or 1
        phrase, phrase_words = tuple(stems[i:i + n]), tuple(typed_words[i:i + n])
        i += n
        if phrase in seen:
            continue
        seen.add(phrase)
        latin = [phrase_words[0]] if n == 1 and translit.is_latin(phrase_words[0]) else []
        groups.append(Group(_alternatives(phrase, phrase_words, concepts, latin)))
    return tuple(groups)


def highlight_stems(text):
    """The stems a snippet marks for a query: those typed, their concept's in the other languages,
    and a Latin word's likeliest Cyrillic reading (the other readings are mostly no words at all)."""
    found = []
    for group in query_groups(text):
        readings = [a for a in group.alternatives if a.weight == LATIN_READING][:1]
        for alternative in group.alternatives:
            if alternative.weight != LATIN_READING or alternative in readings:
                found.extend(s for s in alternative.stems if s not in found)
    return found
