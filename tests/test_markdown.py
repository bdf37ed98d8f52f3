"""Markdown rendering reuses one converter per thread and remembers recent texts: what it gives
must be what a fresh converter gives, and nothing of one text may leak into the next."""
import markdown as markdown_lib

from app.markdown import render_markdown

TEXTS = [
    "The old bridge was **washed away** in 2024.",
    "- cement\n- steel\n\n1. first\n2. second",
    "See [the plan][plan].\n\n[plan]: https://example.org/plan",
    "> quoted\n\n`code` and *emphasis*",
    "<script>alert(1)</script> and [a link](javascript:alert(1))",
]


def fresh(text):
    return markdown_lib.markdown(text, extensions=[], output_format="html")


def test_rendering_gives_what_a_fresh_converter_gives_and_drops_what_is_harmful(plain_app):
    for text in TEXTS:
        html = str(render_markdown(text))
        assert html == str(render_markdown(text))  # the second time from the cache
        assert "<script" not in html and "javascript:" not in html
    assert str(render_markdown(TEXTS[0])) == fresh(TEXTS[0])
    assert 'href="https://example.org/plan"' in str(render_markdown(TEXTS[2]))


def test_a_reference_defined_in_one_text_is_not_known_in_the_next(plain_app):
    render_markdown("First [x][ref].\n\n[ref]: https://example.org/one")
    assert "example.org/one" not in str(render_markdown("Second [x][ref]."))


def test_after_a_text_nested_too_deep_the_next_one_renders(plain_app):
    assert render_markdown("1. " * 600)
    assert str(render_markdown("After **that**.")) == "<p>After <strong>that</strong>.</p>"
