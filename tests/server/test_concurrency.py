"""8 kiosks × 200 tickets while 8 counters call at once: nothing doubled, nothing lost."""

import threading
from collections import Counter

from kolejka.client import KolejkaClient

KIOSKS, PER_KIOSK, COUNTERS = 8, 200, 8


def test_concurrent_kiosks_and_counters(live_server, clerk_client):
    issued: list[tuple[int, str]] = []
    called: list[tuple[int, int]] = []  # (ticket id, counter)
    errors: list[BaseException] = []
    lock = threading.Lock()
    kiosks_done = threading.Event()
    start = threading.Barrier(KIOSKS + COUNTERS)

    def kiosk(i: int) -> None:
        try:
            with KolejkaClient(
                live_server.url, "test", f"test-kiosk-token-b{i:05d}", timeout=30
            ) as client:
                start.wait()
                for n in range(PER_KIOSK):
                    ticket = client.issue_ticket("AB"[n % 2], language="pl")
                    with lock:
                        issued.append((ticket.id, ticket.number))
        except BaseException as exc:
            errors.append(exc)

    clerks = [clerk_client(live_server, f"clerk{n}", counter=n) for n in range(1, COUNTERS + 1)]
    for clerk in clerks:
        clerk._http.timeout = 30  # the machine is small and busy during this test

    def counter(n: int) -> None:
        clerk = clerks[n - 1]
        try:
            start.wait()
            while True:
                ticket = clerk.call_next(n)
                if ticket is None:
                    if kiosks_done.is_set():
                        return
                    kiosks_done.wait(0.02)  # a clerk, too, waits before clicking again
                    continue
                with lock:
                    called.append((ticket.id, n))
                clerk.start_service(ticket.id)
                clerk.finish_ticket(ticket.id)
        except BaseException as exc:
            errors.append(exc)

    kiosk_threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(KIOSKS)]
    counter_threads = [threading.Thread(target=counter, args=(n,)) for n in range(1, COUNTERS + 1)]
    for t in kiosk_threads + counter_threads:
        t.start()
    for t in kiosk_threads:
        t.join()
    kiosks_done.set()
    for t in counter_threads:
        t.join()

    assert errors == []
    numbers = [number for _, number in issued]
    assert len(issued) == KIOSKS * PER_KIOSK
    assert len(set(numbers)) == len(numbers), "a ticket number was issued twice"
    per_service = Counter(number[0] for number in numbers)
    assert per_service == {"A": 800, "B": 800}
    # Numbers are gap-free: A001…A800 and B001…B800.
    assert sorted(numbers) == sorted(f"{s}{n:03d}" for s in "AB" for n in range(1, 801))
    called_ids = [ticket_id for ticket_id, _ in called]
    assert len(set(called_ids)) == len(called_ids), "a ticket was called twice"
    assert set(called_ids) == {ticket_id for ticket_id, _ in issued}, "a ticket was lost"
    assert {n for _, n in called} - {3} <= set(range(1, COUNTERS + 1))

    with KolejkaClient(live_server.url, "test", "test-kiosk-token-b00000") as client:
        snapshot = client.queue_snapshot()
        stats = clerks[0].daily_stats()
    assert snapshot.waiting == []
    assert stats.services["A"].served + stats.services["B"].served == KIOSKS * PER_KIOSK
    # The event log is gap-free: 8 openings + 1600 × (issued, called, serving, done).
    assert snapshot.seq == COUNTERS + 4 * KIOSKS * PER_KIOSK
