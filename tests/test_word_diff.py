"""The review page's word diff, on plain strings (no database, no app)."""
from app.pages.word_diff import DELETE, EQUAL, INSERT, Segment, changed, word_diff


def test_a_changed_word_is_a_deletion_then_an_insertion_among_equal_words():
    assert word_diff("Bridge over the Naryn river", "Footbridge over the Naryn") == [
        Segment(DELETE, "Bridge"), Segment(INSERT, "Footbridge"), Segment(EQUAL, "over the Naryn"),
        Segment(DELETE, "river"),
    ]


def test_added_words_in_the_middle_keep_the_rest_equal():
    assert word_diff("Replace the roof.", "Replace the whole leaking roof.") == [
        Segment(EQUAL, "Replace the"), Segment(INSERT, "whole leaking"), Segment(EQUAL, "roof."),
    ]


def test_whitespace_alone_is_no_change():
    segments = word_diff("two  words\n", " two\twords")
    assert segments == [Segment(EQUAL, "two words")] and not changed(segments)


def test_from_nothing_and_to_nothing():
    assert word_diff(None, "New text") == [Segment(INSERT, "New text")]
    assert word_diff("Old text", "") == [Segment(DELETE, "Old text")]
    assert word_diff("", None) == []


def test_markup_is_kept_as_words_for_the_template_to_escape():
    segments = word_diff("a <b>", "a <script>alert(1)</script>")
    assert segments == [Segment(EQUAL, "a"), Segment(DELETE, "<b>"), Segment(INSERT, "<script>alert(1)</script>")]
    assert changed(segments)


def test_repeated_words_are_matched_in_order_not_junked():
    old = " ".join(["the"] * 300 + ["end"])
    new = " ".join(["the"] * 300 + ["finish"])
    assert word_diff(old, new) == [Segment(EQUAL, " ".join(["the"] * 300)), Segment(DELETE, "end"),
                                   Segment(INSERT, "finish")]
