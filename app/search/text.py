"""Words for search: tokens, stems, languages, typo neighbours, and highlighted snippets.

Every word is reduced to its stem at index and at query time, by the rules of its language:
Kyrgyz words by the stemmer of app/search/kyrgyz.py (plural, possessive and case suffixes off:
"көпүрөлөрүнөн" → "көпүрө"), other Cyrillic words by the Russian Snowball rules, Latin ones by the
English rules. A word's language is judged from the word alone (kyrgyz.judge), so a one-word
query reduces the way the same word did in a document. A word that could be either is stemmed
the Russian way, except in a document text that is Kyrgyz, where it is kept whole: the Russian
rules would cut a Kyrgyz word short ("жума" → "жум", a prefix of "жумуш"), and the query's
Russian stem, a prefix of the whole word, still finds it. A query stem also matches as a
prefix. The same functions highlight results for both backends, so a result reads the same
whichever engine found it.

Changing how words are stemmed changes what the index holds: run `flask search reindex` after
such a release (docs/deployment.md, "Upgrading").
"""
import re
import threading
from functools import lru_cache
from operator import itemgetter

import snowballstemmer
from markupsafe import Markup, escape

from app.search import kyrgyz

WORD = re.compile(r"\w+", re.UNICODE)
CYRILLIC = re.compile(r"[а-яёөүң]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
# Too short to stem or to forgive a typo in.
MIN_STEM_LENGTH = 3
MIN_FUZZY_LENGTH = 3
FIRST_MATCH_WITHIN = 1500  # characters a snippet looks through for its first match

# A snowball stemmer keeps the word it is stemming on itself: one per thread (a threaded server's
# requests stem at the same time).
_stemmers = threading.local()


def _snowball(language):
    found = getattr(_stemmers, language, None)
    if found is None:
        found = snowballstemmer.stemmer(language)
        setattr(_stemmers, language, found)
    return found


def words(text):
    return [w for w in WORD.findall((text or "").lower().replace("ё", "е")) if not w.isdigit() or len(w) > 1]


def _stem(word):
    if len(word) < MIN_STEM_LENGTH:
        return word
    if CYRILLIC.search(word):
        if kyrgyz.judge(word) == "ky":
            return kyrgyz.stem(word)
        found = _snowball("russian").stemWord(word)
    elif LATIN.search(word):
        found = _snowball("english").stemWord(word)
    else:
        return word
    # A stem shorter than that would match as a prefix half the index (Kyrgyz "суу", water,
    # cut by the Russian rules to "су").
    return found if len(found) >= MIN_STEM_LENGTH else word


# word -> (stem, language, what a Kyrgyz sentence stores, whether it has Cyrillic letters); a
# plain dict: reindexing looks up hundreds of thousands of words per second.
_analysed = {}


def _analyse(word):
    found = _analysed.get(word)
    if found is None:
        if len(_analysed) > 500_000:
            _analysed.clear()
            _tokens.clear()
        language = "name" if kyrgyz.is_name(word) else kyrgyz.judge(word)
        stemmed = _stem(word)
        cyrillic = CYRILLIC.search(word) is not None
        found = _analysed[word] = (stemmed, language, word if language is None and cyrillic else stemmed, cyrillic)
    return found


# A token of a text as found by WORD -> its entry in _analysed, or SKIP for the tokens words()
# leaves out (a single digit). Lets a document's tokens be looked up in one C-level pass.
SKIP = ()
_tokens = {}


def _token_entries(tokens):
    """The _analysed entries of a lower-case text's WORD tokens, words() left out."""
    entries = list(map(_tokens.get, tokens))
    if None in entries:
        for i, entry in enumerate(entries):
            if entry is None:
                token = tokens[i]
                entry = _tokens[token] = SKIP if token.isdigit() and len(token) < 2 else _analyse(token)
                entries[i] = entry
    if SKIP in entries:
        entries = [entry for entry in entries if entry is not SKIP]
    return entries


def stem(word):
    return _analyse(word)[0]


def stems(text):
    return [stem(w) for w in words(text)]


def judge(word):
    """The language a lower-case word tells of: "ky", "ru", None (either, or not Cyrillic) or
    "name" (a place name, which tells of none)."""
    return _analyse(word)[1]


def _is_kyrgyz(entries):
    kyrgyz_words = sum(1 for entry in entries if entry[1] == "ky")
    return kyrgyz_words > 0 and kyrgyz_words >= sum(1 for entry in entries if entry[1] == "ru")


# Words and the marks that end a sentence.
SENTENCE_TOKEN = re.compile(r"\w+|[.!?;:\n]", re.UNICODE)


def _sentence_stems(entries, result):
    column = 2 if _is_kyrgyz(entries) else 0
    result.extend(entry[column] for entry in entries)


def _document_stems(text):
    """The stems of a text, sentence by sentence: in a Kyrgyz sentence, words that could be
    either language stay whole."""
    lowered = text.lower().replace("ё", "е")
    entries = _token_entries(WORD.findall(lowered))
    languages = set(map(_LANGUAGE, entries))
    if "ky" not in languages:
        return map(_STEM, entries)
    if "ru" not in languages:  # all Kyrgyz, whatever the sentences
        return map(_KYRGYZ_STORED, entries)
    result, sentence = [], []
    for token in SENTENCE_TOKEN.findall(lowered):
        if token in ".!?;:\n":
            _sentence_stems(sentence, result)
            sentence = []
        else:
            entry = _tokens.get(token)
            if entry is None:
                entry = (_token_entries([token]) or [SKIP])[0]
            if entry is not SKIP:
                sentence.append(entry)
    _sentence_stems(sentence, result)
    return result


_STEM, _LANGUAGE, _KYRGYZ_STORED = itemgetter(0), itemgetter(1), itemgetter(2)


def index_text(*parts):
    """What the full-text index stores for some text: its stems, in order (a Kyrgyz text's
    words of either language whole)."""
    return " ".join(" ".join(_document_stems(part)) for part in parts if part)


@lru_cache(maxsize=20_000)
def index_names(names):
    """index_text of a text that many documents share (the names of places and skills)."""
    return index_text(names)


def query_stems(query):
    """The distinct stems of a query, in the order typed."""
    seen = []
    for s in stems(query):
        if s not in seen:
            seen.append(s)
    return seen[:12]


def languages_of(text):
    """The languages a text is written in, judged word by word: "ky" when a word is Kyrgyz (its
    letters, vocabulary or suffixes), "ru" when a word is Russian or when no Cyrillic word is
    Kyrgyz, "en" for Latin letters. A text mixing two languages has both."""
    found = set()
    lowered = (text or "").lower().replace("ё", "е")
    judgements = {entry[1] for entry in _token_entries(WORD.findall(lowered)) if entry[3]}
    judgements.discard("name")
    if "ky" in judgements:
        found.add("ky")
    if "ru" in judgements or (judgements and "ky" not in judgements):
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


def highlight(text, query, *, length=220, seen=None):
    """An escaped snippet of text around the first word the query matches, those words marked.
    Only the words up to the first match and those inside the snippet are looked at. seen: a dict
    remembering which words match, shared by the texts of one page (their words repeat)."""
    text = text or ""
    query = [q for q in query if q]
    seen = {} if seen is None else seen

    def matches(token):
        found = seen.get(token)
        if found is None:
            found = seen[token] = _word_matches(token, query)
        return found

    # The first match is looked for near the start only: a snippet is about what a text opens with.
    first = next((m for m in WORD.finditer(text, 0, FIRST_MATCH_WITHIN) if matches(m.group())),
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
            if matches(m.group()):
                out.append(escape(text[position:m.start()]))
                out.append(Markup("<mark>%s</mark>") % m.group())
                position = m.end()
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
