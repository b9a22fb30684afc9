"""The configuration pages' forms: posted fields → the API's documents, refusals → the
field they name, in the console's language.

Pure functions (no database, no HTTP), so each conversion is tested on its own. A form
field is named after the document's path (`names.pl`, `hours.mon`, `order.A`); an error's
location in the document maps back to that name, and the page shows the message beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from kolejka.core.hours import WEEKDAYS as WEEKDAYS_ORDER
from kolejka.i18n import N_, translator
from server.siteconfig import RulesConfig

LANGS = ("pl", "en", "ru", "uk")
CLOSED_WORDS = {"", "closed", "zamknięte", "zamkniete", "-", "закрыто", "закрито", "зачинене"}


@dataclass(frozen=True)
class FieldError:
    field: str  # the form field's name, e.g. "names.pl"
    message: str  # in the console's language


class FormRefused(Exception):
    """The form cannot become a document: the fields and why."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


def text(form: Mapping[str, str], name: str) -> str:
    return form.get(name, "").strip()


def optional_int(form: Mapping[str, str], name: str) -> str | None:
    value = text(form, name)
    return value or None


def per_language(form: Mapping[str, str], prefix: str) -> dict[str, str]:
    found = {lang: text(form, f"{prefix}.{lang}") for lang in LANGS}
    return {lang: value for lang, value in found.items() if value}


def intervals(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def special_days(value: str, language: str) -> dict[str, list[str]]:
    """Lines `2026-12-24: closed` or `2026-11-28: 09:00-13:00, 14:00-15:00`."""
    days: dict[str, list[str]] = {}
    for number, line in enumerate(value.splitlines(), start=1):
        if not line.strip():
            continue
        day, colon, rest = line.partition(":")
        if not colon:
            _ = translator(language).gettext
            raise FormRefused(
                [
                    FieldError(
                        "hours.special",
                        _(
                            "Line {line}: write the day, a colon and the hours, "
                            "e.g. 2026-12-24: closed."
                        ).format(line=number),
                    )
                ]
            )
        rest = rest.strip()
        days[day.strip()] = [] if rest.lower() in CLOSED_WORDS else intervals(rest)
    return days


def service_document(form: Mapping[str, str], language: str) -> dict[str, Any]:
    hours: dict[str, Any] = {day: intervals(text(form, f"hours.{day}")) for day in WEEKDAYS_ORDER}
    hours = {day: value for day, value in hours.items() if value}
    special = special_days(form.get("hours.special", ""), language)
    if special:
        hours["special"] = special
    return {
        "code": text(form, "code"),
        "names": per_language(form, "names"),
        "bring_text": per_language(form, "bring_text"),
        "group": text(form, "group") or None,
        "group_names": per_language(form, "group_names"),
        "hours": hours or None,
        "daily_limit": optional_int(form, "daily_limit"),
        "enabled": form.get("enabled") == "on",
        "slot_minutes": text(form, "slot_minutes") or "15",
        "slot_capacity": text(form, "slot_capacity") or "0",
        "wait_threshold_min": optional_int(form, "wait_threshold_min"),
    }


def counter_document(form: Mapping[str, str], number: int, codes: list[str]) -> dict[str, Any]:
    links = []
    for code in codes:
        if form.get(f"serve.{code}") != "on":
            continue
        links.append(
            {
                "service": code,
                "order": text(form, f"order.{code}") or "1",
                "weight": text(form, f"weight.{code}") or "1",
            }
        )
    return {
        "number": number,
        "name": text(form, "name") or None,
        "routing": text(form, "routing") or "order",
        "services": links,
    }


def zone_list(value: str, language: str) -> list[int]:
    """'1, 3-5' → [1, 3, 4, 5]."""
    numbers: set[int] = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            first, last = int(low), int(high or low)
        except ValueError:
            _ = translator(language).gettext
            raise FormRefused(
                [FieldError("zone", _("Counter numbers and ranges, e.g. 1, 3-5."))]
            ) from None
        if last - first > 999:
            last = first + 999
        numbers.update(range(first, last + 1))
    return sorted(numbers)


def rules_document(form: Mapping[str, str], current: RulesConfig) -> dict[str, Any]:
    """The rules form: every plain rule by its name (`max_recalls`, `alerts.pause_min`),
    the languages as checkboxes; what the form does not show stays as it is."""
    document = current.model_dump(mode="json")
    for name, value in rule_fields(current):
        kind = type(value)
        if kind is bool:
            set_path(document, name, form.get(name) == "on")
        elif kind is int and name in form:  # a number the form did not send stays
            set_path(document, name, text(form, name))
    document["languages"] = [lang for lang in LANGS if form.get(f"languages.{lang}") == "on"]
    return document


def rule_fields(rules: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """The rules a form shows: booleans and whole numbers, nested ones with a dotted name."""
    fields: list[tuple[str, Any]] = []
    for name in type(rules).model_fields:
        value = getattr(rules, name)
        if isinstance(value, bool | int) and not isinstance(value, float):
            fields.append((prefix + name, value))
        elif hasattr(type(value), "model_fields"):
            fields.extend(rule_fields(value, f"{prefix}{name}."))
    return fields


def rule_bounds(name: str) -> tuple[int | None, int | None]:
    """The ge/le bounds of a numeric rule, for the form's min and max."""
    model: Any = RulesConfig
    *parents, last = name.split(".")
    for part in parents:
        model = model.model_fields[part].annotation
    info = model.model_fields[last]
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return low, high


def set_path(document: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    for part in parents:
        document = document[part]
    document[last] = value


# --- errors, in the console's language ---------------------------------------------------

# Pydantic's error types, said for a person filling in a form.
TYPE_MESSAGES = {
    "missing": N_("Please fill this in."),
    "string_too_short": N_("At least {min_length} characters."),
    "string_too_long": N_("At most {max_length} characters."),
    "too_short": N_("At least {min_length}."),
    "too_long": N_("At most {max_length}."),
    "greater_than_equal": N_("At least {ge}."),
    "less_than_equal": N_("At most {le}."),
    "greater_than": N_("More than {gt}."),
    "less_than": N_("Less than {lt}."),
    "int_parsing": N_("A whole number, please."),
    "int_type": N_("A whole number, please."),
    "int_from_float": N_("A whole number, please."),
    "float_parsing": N_("A number, please."),
    "finite_number": N_("A number, please."),
    "string_pattern_mismatch": N_("This is not in the expected form."),
    "literal_error": N_("Please choose one of the offered values."),
    "enum": N_("Please choose one of the offered values."),
    "date_parsing": N_("A date as YYYY-MM-DD, please."),
    "date_from_datetime_parsing": N_("A date as YYYY-MM-DD, please."),
    "extra_forbidden": N_("This setting is not known."),
}
# The model's own checks (server/siteconfig.py), recognised by what they say.
VALUE_MESSAGES = {
    "expected HH:MM-HH:MM": N_("Hours as HH:MM-HH:MM, several separated by commas."),
    "Polish name": N_("A Polish name is required."),
    "unknown language": N_("Only pl, en, ru and uk."),
    "capital letters": N_("1-3 capital letters A-Z (they start every ticket number)."),
    "a service twice": N_("Each service only once."),
    "must not be blank": N_("Please fill this in."),
    "counter numbers": N_("Counter numbers are 1-999."),
}
GENERIC = N_("This value is not valid.")


def explain(error: Mapping[str, Any], language: str) -> str:
    """One pydantic error (`type`, `msg`, `ctx`) as a sentence in `language`."""
    _ = translator(language).gettext
    kind = str(error.get("type", ""))
    if kind in TYPE_MESSAGES:
        params = {k: v for k, v in (error.get("ctx") or {}).items() if not isinstance(v, Exception)}
        try:
            return _(TYPE_MESSAGES[kind]).format(**params)
        except (KeyError, IndexError, ValueError):
            return _(GENERIC)
    message = str(error.get("msg", ""))
    for clue, template in VALUE_MESSAGES.items():
        if clue in message:
            return _(template)
    return _(GENERIC)


def field_name(loc: list[Any], strip: int, rename: Mapping[str, str] | None = None) -> str:
    """A document location (`["body", "service", "hours", "mon", 0]`) as the form's
    field name (`hours.mon`): `strip` leading parts dropped, list indexes and dict keys
    past a known field dropped; `rename` maps the rest (`services.1.order` → `order.B`)."""
    parts = [str(p) for p in loc[strip:]]
    name = ".".join(parts)
    for known, target in (rename or {}).items():
        if name == known or name.startswith(known + "."):
            return target
    if parts[:2] == ["hours", "special"]:
        return "hours.special"
    if parts and parts[0] == "hours" and len(parts) >= 2:
        return f"hours.{parts[1]}"
    return ".".join(p for p in parts if not p.isdigit() and p != "[key]")


def refusals(
    exc: ValidationError, strip: int, language: str, rename: Mapping[str, str] | None = None
) -> list[FieldError]:
    return [
        FieldError(field_name(list(err["loc"]), strip, rename), explain(err, language))
        for err in exc.errors()
    ]
