"""The write runner (server/transactions.py): one transaction per named use-case method,
with the site check, idempotency and the estimate cache handled once for all of them."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from kolejka.core.errors import Conflict, Forbidden
from server.actors import Actor
from server.clock import ManualClock
from server.db import Database
from server.transactions import Transaction, Write, WriteRunner
from tests.support import T0, kiosk_actor


class Answer(BaseModel):
    site: str
    at: str
    calls: int


class Counting:
    """A use case that says which site and moment it ran with, and how often it ran."""

    def __init__(self) -> None:
        self.calls = 0

    def answer(self, tx: Transaction, add: int) -> Answer:
        self.calls += add
        return Answer(site=tx.site.code, at=tx.now.isoformat(), calls=self.calls)

    def nothing(self, tx: Transaction) -> Answer | None:
        self.calls += 1
        return None


@pytest.fixture
def runner(site_db: Database) -> WriteRunner:
    return WriteRunner(site_db, ManualClock(T0))


def test_a_method_runs_with_the_site_and_the_moment(runner: WriteRunner, site_db: Database):
    use_case = Counting()
    answer = runner.run(Write("test", kiosk_actor(site_db)), Answer, use_case.answer, 2)
    assert answer == Answer(site="test", at=T0.isoformat(), calls=2)


def test_a_retried_key_gets_the_first_answer_without_running_again(
    runner: WriteRunner, site_db: Database
):
    use_case = Counting()
    write = Write("test", kiosk_actor(site_db), idempotency_key="k1")
    first = runner.run(write, Answer, use_case.answer, 1)
    assert runner.run(write, Answer, use_case.answer, 1) == first
    assert use_case.calls == 1
    assert runner.run_optional(Write("test", write.actor, "k2"), Answer, use_case.nothing) is None
    assert runner.run_optional(Write("test", write.actor, "k2"), Answer, use_case.nothing) is None
    assert use_case.calls == 2


def test_a_key_first_answered_with_nothing_cannot_answer_a_use_case_that_always_answers(
    runner: WriteRunner, site_db: Database
):
    use_case = Counting()
    write = Write("test", kiosk_actor(site_db), idempotency_key="k")
    runner.run_optional(write, Answer, use_case.nothing)
    with pytest.raises(Conflict) as refused:  # was an AssertionError (500)
        runner.run(write, Answer, use_case.answer, 1)
    assert refused.value.code == "idempotency_key_reused"


def test_an_actor_of_another_site_is_refused_before_the_method_runs(
    runner: WriteRunner, site_db: Database
):
    use_case = Counting()
    stranger = Actor("kiosk", site_id=999, id=1, name="elsewhere")
    with pytest.raises(Forbidden, match="wrong_site"):
        runner.run(Write("test", stranger), Answer, use_case.answer, 1)
    assert use_case.calls == 0


def test_every_write_but_issuing_forgets_the_estimate_inputs(
    runner: WriteRunner, site_db: Database
):
    kiosk = kiosk_actor(site_db)
    with site_db.read() as session:
        runner.estimates.get(session.connection(), 1, T0)
    runner.run(Write("test", kiosk, keeps_estimates=True), Answer, Counting().answer, 1)
    assert runner.estimates._entries
    runner.run(Write("test", kiosk), Answer, Counting().answer, 1)
    assert not runner.estimates._entries
