"""Descriptions and updates are written in Markdown and shown as sanitized HTML."""
import re
import threading
from functools import lru_cache

import markdown as markdown_lib
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "h3", "h4", "a", "code", "pre", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


# A converter per thread, reset between texts: building one (its parser and patterns) costs more
# than converting a short text, and a project page converts one per update, question and answer.
_converters = threading.local()


def _convert(text):
    converter = getattr(_converters, "markdown", None) or markdown_lib.Markdown(extensions=[], output_format="html")
    _converters.markdown = None  # taken: one stopped half-way by an error is never used again
    html = converter.reset().convert(text)
    _converters.markdown = converter
    return html


@lru_cache(maxsize=512)
def render_markdown(text):
    """Markdown to HTML with only harmless tags left; raw HTML and scripts in the text are dropped.
    Cached by the text itself: the same text always gives the same HTML."""
    try:
        html = _convert(text or "")
    except RecursionError:  # lists nested hundreds deep: Python-Markdown recurses once per level
        return Markup("<p>%s</p>") % (text or "")
    clean = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return Markup(clean)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*_`#>~|]+")
# The space a mark left between a word and its punctuation: "**done**." reads "done.", not "done .".
_SPACE_BEFORE_CLOSING = re.compile(r" ([.,;:!?)»”])")
_SPACE_AFTER_OPENING = re.compile(r"([(«“]) ")


def plain_excerpt(text, length=140):
    """The words a reader sees, cut at ``length`` characters with an ellipsis (notifications,
    digests, the home page's news)."""
    words = plain_text(text)
    return words if len(words) <= length else words[:length - 1].rstrip() + "…"


def plain_text(text):
    """Markdown as the words a reader sees (for search and snippets): links keep their text,
    emphasis, headings and code marks go. Cheaper than rendering, which reindexing can't afford."""
    words = " ".join(_MARKUP.sub(" ", _LINK.sub(r"\1", text or "")).split())
    return _SPACE_AFTER_OPENING.sub(r"\1", _SPACE_BEFORE_CLOSING.sub(r"\1", words))
