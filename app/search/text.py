"""Words for the embedded search: tokens, stems, typo neighbours, and highlighted snippets.

Russian and English words are reduced to their Snowball stems at index and at query time;
a query stem also matches as a prefix, which is what lets Kyrgyz word forms (suffixes pile up
on the root) find each other. The same functions highlight results for both backends, so a
result reads the same whichever engine found it.
"""
import re
import snowballstemmer
from markupsafe import Markup, escape

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[а-яёөүң]", re.IGNORECASE)
KYRGYZ_LETTERS = re.compile(r"[өүң]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Too short to stem or to forgive a typo in.
MIN_STEM_LENGTH = 3
MIN_FUZZY_LENGTH = 3
FIRST_MATCH_WITHIN = 1500  # characters a snippet looks through for its first match

_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")


def words(text):
    return [w for w in WORD.findall((text or "").lower().replace("ё", "е")) if not w.isdigit() or len(w) > 1]


def _stem(word):
    if len(word) < MIN_STEM_LENGTH:
        return word
    if CYRILLIC.search(word):
        found = _russian.stemWord(word)
    elif LATIN.search(word):
        found = _english.stemWord(word)
    else:
        return word
    # A stem shorter than that would match as a prefix half the index (Kyrgyz "суу", water,
    # cut by the Russian rules to "су").
    return found if len(found) >= MIN_STEM_LENGTH else word


_stems = {}  # a plain dict: reindexing stems hundreds of thousands of words per second


def stem(word):
    found = _stems.get(word)
    if found is None:
        if len(_stems) > 500_000:
            _stems.clear()
        found = _stems[word] = _stem(word)
    return found


def stems(text):
    return [stem(w) for w in words(text)]


def index_text(*parts):
    """What the full-text index stores for some text: its stems, in order."""
    return " ".join(" ".join(map(stem, words(part))) for part in parts if part)


def query_stems(query):
    """The distinct stems of a query, in the order typed."""
    seen = []
    for s in stems(query):
        if s not in seen:
            seen.append(s)
    return seen[:12]


def languages_of(text):
    """The languages a text is written in, by script: Kyrgyz letters, other Cyrillic, Latin."""
    found = set()
    if KYRGYZ_LETTERS.search(text or ""):
        found.add("ky")
    if CYRILLIC.search(text or ""):
        found.add("ru")
    if LATIN.search(text or ""):
        found.add("en")
    return found


def within_one_edit(a, b):
    """True when b is a, or a with one letter added, removed or changed."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1:] == b[i + 1:]
    return a[i:] == b[i + 1:]


def _matches(word, query):
    s = stem(word)
    # A typo is forgiven in longer words only: "was" is one letter from "wash" but no match.
    return any(s.startswith(q) or (min(len(s), len(q)) > MIN_FUZZY_LENGTH and within_one_edit(s, q))
               for q in query)


def _word_matches(token, query):
    return _matches(token.lower().replace("ё", "е"), query)


def highlight(text, query, *, length=220):
    """An escaped snippet of text around the first word the query matches, those words marked.
    Only the words up to the first match and those inside the snippet are looked at."""
    text = text or ""
    query = [q for q in query if q]
    # The first match is looked for near the start only: a snippet is about what a text opens with.
    first = next((m for m in WORD.finditer(text, 0, FIRST_MATCH_WITHIN) if _word_matches(m.group(), query)),
                 None) if query else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 4) + 1
    end = len(text) if len(text) - start <= length else text.rfind(" ", start, start + length)
    if end <= start:
        end = min(len(text), start + length)
    out = [Markup("…") if start > 0 else Markup("")]
    position = start
    if first:
        for m in WORD.finditer(text, start, end):
            if _word_matches(m.group(), query):
                out.append(escape(text[position:m.start()]))
                out.append(Markup("<mark>%s</mark>") % m.group())
                position = m.end()
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
