"""Latin letters back to Cyrillic: the words a phone without a Kyrgyz or Russian keyboard types.

A word typed in Latin letters ("kopuro", "mektep", "xirurg", "teplitsa") may be a Kyrgyz or a
Russian word spelled by ear. `candidates` gives the Cyrillic spellings it most likely stands for,
following both languages' conventions and the informal ones people use (ө as o, ö or oe; ч as
ch; х as h, x or kh…), best first and at most a handful, so a search can look for them beside
the word as typed.
"""
import re

LATIN_WORD = re.compile(r"[a-zöüı']+")
MAX_CANDIDATES = 16
_KEEP = 48  # partial spellings kept at each position while the candidates are built

# Latin letters -> (Cyrillic, penalty): the lower the penalty the likelier the reading.
# Longer letter groups are tried too, so "sh" reads as ш and, less likely, as с + х.
RULES = {
    "shch": [("щ", 0)], "sch": [("щ", 0), ("сч", 2)],
    "sh": [("ш", 0)], "ch": [("ч", 0)], "zh": [("ж", 0)], "kh": [("х", 0)], "gh": [("г", 0)],
    "ts": [("ц", 0), ("тс", 1)], "ng": [("ң", 1), ("нг", 0)],
    "ya": [("я", 0), ("ыа", 3)], "ia": [("я", 1), ("иа", 1)], "yu": [("ю", 0)], "iu": [("ю", 1)],
    "yo": [("ё", 0), ("йо", 2)], "oe": [("ө", 0), ("ое", 1)], "ue": [("ү", 0), ("уе", 1)],
    "a": [("а", 0)], "b": [("б", 0)], "c": [("ц", 0), ("к", 1)], "d": [("д", 0)],
    "e": [("е", 0), ("э", 2)], "f": [("ф", 0)], "g": [("г", 0)], "h": [("х", 0)],
    "i": [("и", 0), ("ы", 1), ("й", 2)], "ı": [("ы", 0)], "j": [("ж", 0), ("дж", 1), ("й", 2)],
    "k": [("к", 0)], "l": [("л", 0)], "m": [("м", 0)], "n": [("н", 0), ("ң", 2)],
    "o": [("о", 0), ("ө", 1)], "ö": [("ө", 0)], "p": [("п", 0)], "q": [("к", 0)], "r": [("р", 0)],
    "s": [("с", 0)], "t": [("т", 0)], "u": [("у", 0), ("ү", 1)], "ü": [("ү", 0)], "v": [("в", 0)],
    "w": [("в", 0)], "x": [("х", 0), ("кс", 1)], "y": [("ы", 0), ("й", 1), ("и", 2)], "z": [("з", 0)],
    "'": [("ь", 1), ("", 0)],
}
_LONGEST = max(len(k) for k in RULES)
# At the start of a word э is as likely as е ("ekologiya" -> экология); after a vowel й.
_FIRST = {"e": [("е", 0), ("э", 1)]}
_VOWELS = set("аеиоуыэюяөү")


def is_latin(word):
    return bool(LATIN_WORD.fullmatch(word or ""))


def candidates(word, *, limit=MAX_CANDIDATES):
    """The likeliest Cyrillic spellings of a word typed in Latin letters, best first."""
    word = (word or "").lower()
    if not is_latin(word):
        return []
    # best[i]: {spelling of word[:i]: penalty}, pruned to the likeliest few.
    best = [dict() for _ in range(len(word) + 1)]
    best[0][""] = 0
    for i in range(len(word)):
        if not best[i]:
            continue
        kept = sorted(best[i].items(), key=lambda item: (item[1], item[0]))[:_KEEP]
        for size in range(1, _LONGEST + 1):
            letters = word[i:i + size]
            if len(letters) < size:
                break
            rules = (_FIRST.get(letters) if i == 0 else None) or RULES.get(letters)
            if not rules:
                continue
            # A letter group read letter by letter ("sh" as с + х) is the less likely reading.
            split = 2 if size < _LONGEST and any(word[i:i + n] in RULES for n in range(size + 1, _LONGEST + 1)) else 0
            for spelled, penalty in kept:
                for cyrillic, cost in rules:
                    cost += split
                    if cyrillic == "й" and spelled[-1:] in _VOWELS:
                        cost = 0  # "kyrgyzstandyi", "ai" -> ай
                    reading = spelled + cyrillic
                    total = penalty + cost
                    if total < best[i + size].get(reading, total + 1):
                        best[i + size][reading] = total
    found = sorted(best[len(word)].items(), key=lambda item: (item[1], item[0]))
    return [spelling for spelling, _ in found[:limit] if spelling]
