"""Server-rendered pages (console, booking, public status): Jinja2, through the catalogues.

One environment per language, each with its catalogue installed (new-style gettext, so
`{{ _("{n} waiting", n=3) }}` and `{% trans %}` both escape and format), templates read
once from `server/web/`. A page's template lives in its own folder there
(`admin/`, `book/`, `public_status/`), beside its style sheet and script.

    from server.templating import render
    html = render("book/choose.html", "uk", site=site)

Strings in templates are extracted for the catalogue check like those in Python
(`tests/i18n/test_catalogues.py` reads `**.html` under server/web with Babel's Jinja2
extractor).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup

from kolejka.i18n import LANGUAGES, NATIVE_NAMES, normalize_language, translator

WEB_DIR = Path(__file__).with_name("web")


@cache
def environment(language: str) -> Environment:
    """The Jinja2 environment whose gettext is `language`'s catalogue."""
    env = Environment(
        loader=FileSystemLoader(WEB_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.install_gettext_translations(translator(language), newstyle=True)  # type: ignore[attr-defined]
    # The catalogues' placeholders are str.format's ("{n} waiting"), not %-style: `_`
    # fills them (escaping the values), and still takes what {% trans %} compiles to.
    env.globals["_"] = env.globals["gettext"] = _format_gettext(translator(language))
    env.globals.update(language=language, languages=LANGUAGES, native_names=NATIVE_NAMES)
    return env


def _format_gettext(translations: Any) -> Any:
    @pass_context
    def gettext(context: Any, message: str, /, **variables: Any) -> str:
        text = translations.gettext(message)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        if not variables:
            return str(text) if not isinstance(text, Markup) else text
        if "%(" in text:
            return text % variables
        return text.format(**variables)

    return gettext


def render(template: str, language: str | None, **context: Any) -> str:
    """`template` (a path under server/web) rendered in `language`."""
    code = normalize_language(language)
    return environment(code).get_template(template).render(**context)
