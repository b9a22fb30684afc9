"""Server-rendered pages (console, booking, public status): Jinja2, through the catalogues.

One environment per language, each with its catalogue installed (`{{ _("{n} waiting",
n=3) }}` formats with `{name}` placeholders like the Python code and escapes the values;
`{% trans %}` blocks keep Jinja's own `%(name)s` form), templates read
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
    gettext, ngettext = _brace_callables(translator(language))
    env.install_gettext_callables(gettext, ngettext)  # type: ignore[attr-defined]
    env.globals.update(language=language, languages=LANGUAGES, native_names=NATIVE_NAMES)
    return env


def _brace_callables(translations: Any) -> tuple[Any, Any]:
    """`_()` / `ngettext()` for templates, formatting like the Python code's messages:
    `{{ _("{n} waiting", n=3) }}` with `{name}` placeholders (Jinja's own new-style
    gettext formats with `%(name)s`, which the catalogues do not use). The translation is
    trusted; the values are escaped where the template autoescapes."""

    def fill(context: Any, text: str, variables: dict[str, Any]) -> str:
        if context.eval_ctx.autoescape:
            return Markup(text).format(**variables) if variables else Markup(text)
        return text.format(**variables) if variables else text

    @pass_context
    def gettext(context: Any, message: str, **variables: Any) -> str:
        return fill(context, translations.gettext(message), variables)

    @pass_context
    def ngettext(context: Any, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return fill(context, translations.ngettext(singular, plural, num), variables)

    return gettext, ngettext


def render(template: str, language: str | None, **context: Any) -> str:
    """`template` (a path under server/web) rendered in `language`."""
    code = normalize_language(language)
    return environment(code).get_template(template).render(**context)
