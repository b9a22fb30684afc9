"""The configuration pages' form conversions (server/config_forms.py), without a server."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.config_admin import ServiceWrite
from server.config_forms import (
    FormRefused,
    counter_document,
    explain,
    field_name,
    refusals,
    rule_bounds,
    rule_fields,
    rules_document,
    service_document,
    special_days,
    zone_list,
)
from server.siteconfig import RulesConfig, ServiceConfig


def test_a_service_form_becomes_the_files_service():
    form = {
        "code": " F ",
        "enabled": "on",
        "names.pl": "Praca",
        "names.en": "",
        "bring_text.uk": "Паспорт",
        "hours.mon": "08:00-12:00; 13:00-15:00",
        "hours.special": "2026-11-28: 09:00-13:00\n\n2026-12-24: zamknięte\n2026-12-31:",
        "daily_limit": "",
        "slot_minutes": "20",
        "slot_capacity": "",
        "wait_threshold_min": "25",
    }
    service = ServiceConfig.model_validate(service_document(form, "pl"))
    assert service.code == "F" and service.names == {"pl": "Praca"}
    assert service.bring_text == {"uk": "Паспорт"} and service.daily_limit is None
    assert service.hours is not None and service.hours.mon == ["08:00-12:00", "13:00-15:00"]
    assert {str(d): v for d, v in service.hours.special.items()} == {
        "2026-11-28": ["09:00-13:00"],
        "2026-12-24": [],
        "2026-12-31": [],
    }
    assert (service.slot_minutes, service.slot_capacity, service.wait_threshold_min) == (20, 0, 25)
    assert service_document({"code": "G", "names.pl": "x"}, "pl")["hours"] is None


def test_a_line_without_a_colon_is_named():
    with pytest.raises(FormRefused) as refused:
        special_days("2026-12-24 closed", "uk")
    [error] = refused.value.errors
    assert error.field == "hours.special" and "Рядок 1" in error.message


def test_errors_map_back_to_the_form_fields_in_the_language():
    form = {"code": "A", "names.en": "x", "daily_limit": "0", "hours.tue": "9-10"}
    with pytest.raises(ValidationError) as caught:
        ServiceWrite.model_validate({"revision": 1, "service": service_document(form, "pl")})
    errors = {e.field: e.message for e in refusals(caught.value, 1, "ru")}
    assert errors["daily_limit"] == "Не менее 1."
    assert errors["names"] == "Требуется название на польском языке."
    assert "ЧЧ:ММ" in errors["hours.tue"]


def test_field_names():
    assert field_name(["body", "service", "hours", "mon", 0], 2) == "hours.mon"
    assert field_name(["service", "hours", "special", "2026-13-01", "[key]"], 1) == "hours.special"
    assert (
        field_name(["counter", "services", 1, "weight"], 1, {"services.1.weight": "weight.C"})
        == "weight.C"
    )
    assert field_name(["body", "services", "3", "names"], 2) == "names"


def test_a_counter_form_links_the_checked_services():
    form = {
        "name": "Okno",
        "routing": "weighted",
        "serve.A": "on",
        "weight.A": "2.5",
        "serve.C": "on",
    }
    document = counter_document(form, 4, ["A", "B", "C"])
    assert document["services"] == [
        {"service": "A", "order": "1", "weight": "2.5"},
        {"service": "C", "order": "1", "weight": "1"},
    ]


def test_zones_and_rules():
    assert zone_list("5-7, 2;9", "pl") == [2, 5, 6, 7, 9]
    with pytest.raises(FormRefused):
        zone_list("front", "pl")
    rules = RulesConfig()
    names = [name for name, _value in rule_fields(rules)]
    assert "max_recalls" in names and "alerts.pause_min" in names and "ticker" not in names
    assert rule_bounds("max_recalls") == (0, 10)
    document = rules_document({"max_recalls": "4", "languages.pl": "on"}, rules)
    assert document["max_recalls"] == "4" and document["priority_enabled"] is False
    assert document["languages"] == ["pl"] and document["ticker"] == rules.ticker


def test_an_unknown_error_type_is_still_said():
    assert explain({"type": "something_new", "msg": "?"}, "en") == "This value is not valid."
    assert explain({"type": "greater_than_equal", "ctx": {"ge": 5}}, "pl") == "Co najmniej 5."
