"""A site's rules stay typed from the file to the use case: stored as JSON in
`Site.settings`, read back by one strict function, carried typed by the catalog."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlmodel import select

from server.catalog import SiteCatalog
from server.db import Database
from server.models import Site
from server.siteconfig import RulesConfig, address_from_json, rules_from_json, stored_settings


def test_stored_rules_read_back_as_they_were_written():
    rules = RulesConfig(max_recalls=4, no_show_after_max_recalls=True, ticker={"pl": "Witamy"})
    stored = stored_settings(rules, "ul. Długa 1")
    assert rules_from_json(stored) == rules
    assert address_from_json(stored) == "ul. Długa 1"


def test_missing_rules_take_the_files_defaults():
    assert rules_from_json({}) == RulesConfig()
    assert rules_from_json({"address": None}).max_recalls == 2
    assert address_from_json({}) is None


def test_a_misspelt_rule_is_an_error_not_a_silent_default():
    with pytest.raises(ValidationError, match="max_recals"):
        rules_from_json({"max_recals": 5})


def test_the_orm_row_and_the_catalogs_copy_answer_the_same_typed_rules(site_db: Database):
    with site_db.write() as session:
        site = session.exec(select(Site)).one()
        site.settings = stored_settings(RulesConfig(max_recalls=7), "Plac 3")
        session.add(site)
    with site_db.read() as session:
        row = session.exec(select(Site)).one()
        info = SiteCatalog().get(session.connection(), row.code)
        assert row.rules.max_recalls == info.rules.max_recalls == 7
        assert row.address == info.address == "Plac 3"
