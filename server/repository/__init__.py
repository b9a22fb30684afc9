"""Reads and row locks the use cases share, one module per question they answer:

    lookup      which row is it? a site, service, counter or ticket by its name; links
    numbering   which number comes next? the day's sequence, the ticket's insert
    next_up     who is next at this counter? the queues' heads, the claim on one
    ahead       how many are ahead? range counts, the trigger-kept queue lengths
    pace        how fast does the queue move? the inputs of a wait estimate
    base        what they share: `Executes`, the tables, `param`, `for_update`

Plain functions over a Session (or, on the hot paths, its Core connection). Callers
write `from server import repository as repo` and `repo.<function>`: every function is
named here.
"""

from server.repository.ahead import (
    ahead_count,
    ahead_count_of,
    ahead_count_of_newest,
    waiting_count,
)
from server.repository.base import Executes, for_update
from server.repository.lookup import (
    clerk_name,
    counter_by_number,
    counters_of,
    links_of,
    routing_from,
    service_by_code,
    services_of,
    site_by_code,
    ticket_by_id,
)
from server.repository.next_up import candidate, claim, head_candidates
from server.repository.numbering import (
    insert_ticket,
    issued_today,
    next_sequence,
    record_arrival,
)
from server.repository.pace import open_counter_count, queue_rate, recent_durations

__all__ = [
    "Executes",
    "ahead_count",
    "ahead_count_of",
    "ahead_count_of_newest",
    "candidate",
    "claim",
    "clerk_name",
    "counter_by_number",
    "counters_of",
    "for_update",
    "head_candidates",
    "insert_ticket",
    "issued_today",
    "links_of",
    "next_sequence",
    "open_counter_count",
    "queue_rate",
    "recent_durations",
    "record_arrival",
    "routing_from",
    "service_by_code",
    "services_of",
    "site_by_code",
    "ticket_by_id",
    "waiting_count",
]
