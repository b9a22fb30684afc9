"""Counters calling at once in a freshly started server: each gets a different ticket, in
number order, and nobody gets a 500.

On PostgreSQL with 32 counters and 4 processes, `call_next` used to answer some of them
NoSuchColumnError ('anon_1.id') from the ORM statement of the queue's heads; and a counter
whose chosen head another counter took asked the database for the heads again each time.
"""

from __future__ import annotations

import threading

from kolejka.client import KolejkaClient
from tests.support import KIOSK_TOKEN, make_server

COUNTERS = 8  # counters 5–8 and 1 serve A first, 2 serves B first, 3 only C, 4 all


def test_counters_calling_at_once_after_a_start_each_get_their_own(
    database_url, clock, password_hash, clerk_client
):
    server = make_server(database_url, clock, password_hash).start()
    try:
        with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
            issued = [kiosk.issue_ticket("A").number for _ in range(3 * COUNTERS)]
        clerks = [clerk_client(server, f"clerk{n}", counter=n) for n in range(1, COUNTERS + 1)]
        called: list[str] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        together = threading.Barrier(COUNTERS)

        def counter(n: int) -> None:
            try:
                for _ in range(2):
                    together.wait()
                    ticket = clerks[n - 1].call_next(n)
                    if ticket is None:
                        continue
                    with lock:
                        called.append(ticket.number)
                    clerks[n - 1].mark_no_show(ticket.id)
            except BaseException as exc:
                together.abort()
                errors.append(exc)

        threads = [threading.Thread(target=counter, args=(n,)) for n in range(1, COUNTERS + 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        # Counter 3 serves only C, which nobody took: the other 7 called twice each.
        assert len(called) == len(set(called)) == 2 * (COUNTERS - 1)
        assert sorted(called) == issued[: len(called)], "a later number was called first"
    finally:
        server.stop()
