"""The templates' gettext (app/i18n.py template_gettext, bound once per render) says what
Flask-Babel's own says, in each language, and follows the locale from one render to the next."""
import pytest
from flask import render_template_string
from flask_babel import force_locale

TEMPLATE = """{{ _("Log in") }}|{{ _("Log in") }}|{{ _("%(percent)d%% of the money raised", percent=40) }}|\
{% trans %}Log in{% endtrans %}|{{ ngettext("%(num)d day", "%(num)d days", 3) }}|{{ _("<b>not a msgid</b>") }}|\
{{ _("100%% sure") }}"""


@pytest.mark.parametrize("lang", ["ky", "ru", "en"])
def test_rendered_strings_are_flask_babels(plain_app, lang):
    with plain_app.test_request_context("/"), force_locale(lang):
        babels_own = plain_app.jinja_env.from_string(TEMPLATE).render()  # no context processor: Flask-Babel's
        for _ in range(2):  # the second render is answered from the memo
            assert render_template_string(TEMPLATE) == babels_own


def test_a_render_follows_a_change_of_locale(plain_app):
    with plain_app.test_request_context("/"):
        seen = {}
        for lang in ("ky", "ru", "en", "ky"):
            with force_locale(lang):
                seen.setdefault(lang, set()).add(render_template_string('{{ _("Log in") }}'))
    assert seen == {"ky": {"Кирүү"}, "ru": {"Войти"}, "en": {"Log in"}}
