"""Stemming from several threads at once (a threaded server's requests, reindexing's preparing
thread) gives every word its own stem. Snowball's stemmers keep the word they work on on
themselves: one shared by all threads gave "школа" the stem of "водопровод", or an IndexError."""
import sys
import threading

import snowballstemmer

from app.search import text

RUSSIAN = [w + s for w in ("школ", "мост", "больниц", "дорог", "водопровод", "строительств")
           for s in ("а", "ы", "ами", "ах", "ой", "ов", "ом", "е")]
ENGLISH = [w + s for w in ("bridg", "school", "hospit", "build", "engineer") for s in ("es", "ing", "ed", "s")]


def test_every_thread_gets_the_stems_of_its_own_words():
    russian, english = snowballstemmer.stemmer("russian"), snowballstemmer.stemmer("english")
    expected = {w: russian.stemWord(w) for w in RUSSIAN} | {w: english.stemWord(w) for w in ENGLISH}
    wrong, errors = [], []

    def stem_all():
        try:
            for _ in range(200):
                for word in RUSSIAN + ENGLISH:
                    # _stem is what the word cache calls on a miss: the stemmer itself, uncached.
                    found = text._stem(word)
                    if len(expected[word]) >= text.MIN_STEM_LENGTH and found != expected[word]:
                        wrong.append((word, found))
        except Exception as error:  # noqa: BLE001 - the race raised IndexError inside snowball
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=stem_all) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert (wrong[:3], errors[:1]) == ([], [])
