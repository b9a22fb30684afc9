"""The live monitor's feed: one per watched site, shared by every monitor open on it.

Twenty managers' screens on one hall must cost what one does. So the work an event
causes is done once per site, not once per monitor:

- one subscription to the site's event stream (server/broadcast.py) for all of the
  site's monitors; the events that come within BATCH_S of the last frame go out together
  as one frame (`{"type": "batch", "epoch": E, "seq": S, "events": [...]}`) serialised
  once, so a burst of tickets is a few frames per monitor, not one per ticket. The frame
  carries the seq of its last event (where a lost monitor resumes) and, of the events,
  only the calls the page shows at once (SHOWN_AT_ONCE). A quiet hall's event goes out
  at once (the frame is sent on the leading edge of the window);
- one reading of the hall (server/monitor.py) at a time, spaced by what the last one cost
  (FIGURES_S, FIGURES_COST), and every CLOCK_S when nothing happens (the durations move
  on), rendered once per language (and own site or not, which shows the actions), and
  sent as the parts that changed since the last
  frame (`{"type": "figures", "seq": S, "parts": {"counters": "<section…>", …}}`). A
  monitor that joins gets the last reading's every part at once; the event stream's
  catch-up (or reset) is its own (server/routes/events_ws.py), so a resumed monitor
  misses nothing.

A monitor too slow for its frames is closed (4408) and resumes with `after=`, as on the
event stream; a `site.configured` event that revokes a monitor's token closes its stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from anyio import to_thread

from server.broadcast import Broadcaster, Subscriber
from server.monitor import Hall, MonitorService

log = logging.getLogger(__name__)

BATCH_S = 0.1  # events this close to the last frame wait for the next (a 200 ms target)
# While events come, the hall is read and rendered again after FIGURES_COST times the CPU
# the last reading took (at most 1 % of a core per watched site), within FIGURES_S: a
# small office's figures follow within a fifth of a second or so, a busy hall's within two.
FIGURES_S = (0.2, 2.0)
FIGURES_COST = 100.0
CLOCK_S = 15.0  # …and at least this often while a monitor is open (the clocks move on)
MAX_FRAMES = 500  # frames waiting for one monitor before it is told to resume
# What a batch carries of its events: the page shows calls at once and takes everything
# else from the figures, so the rest would be bytes sent, parsed and dropped per monitor.
SHOWN_AT_ONCE = ('"ticket.called"', '"ticket.recalled"')

# The parts of the live fragment (server/web/admin/monitor_live.html): no section nests.
PART = re.compile(r'<section\b[^>]*\bdata-part="([a-z-]+)".*?</section>', re.S)

ViewKey = tuple[str, bool]  # the console's language, and whether it is the staff's own site
Renderer = Callable[[Hall, str, bool], str]


def split_parts(html: str) -> dict[str, str]:
    """The fragment's parts by name, each its whole `<section>`."""
    return {found.group(1): found.group(0) for found in PART.finditer(html)}


@dataclass(eq=False)
class Watcher:
    """One open monitor: what its socket has yet to send."""

    view: ViewKey
    actor_key: str | None
    frames: deque[tuple[int, int, str]] = field(default_factory=deque)  # first, last, text
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closing: str | None = None  # too_slow | signed_out | gone
    has_figures: bool = False

    def offer(self, first: int, last: int, text: str) -> None:
        if len(self.frames) >= MAX_FRAMES:
            self.close("too_slow")
            return
        self.frames.append((first, last, text))
        self.ready.set()

    def close(self, reason: str) -> None:
        if self.closing is None:
            self.closing = reason
        self.ready.set()


@dataclass
class FeedStats:
    """What the feeds did, for tests that count work (and for curiosity)."""

    batches: int = 0
    readings: int = 0
    renders: int = 0


class SiteFeed:
    def __init__(self, hub: MonitorHub, site_code: str, site_id: int) -> None:
        self.hub, self.site_code, self.site_id = hub, site_code, site_id
        self.watchers: set[Watcher] = set()
        self.started = asyncio.Event()
        self.wanted = asyncio.Event()  # the figures are due (an event, a new monitor)
        self.parts: dict[ViewKey, dict[str, str]] = {}
        self.seq = 0
        self._sub: Subscriber | None = None
        self._last_batch = float("-inf")
        self._last_figures = float("-inf")
        self._spacing = FIGURES_S[0]  # between two readings of the hall, by their cost
        self._tasks = [
            asyncio.create_task(self._events(), name=f"monitor-events-{site_id}"),
            asyncio.create_task(self._figures(), name=f"monitor-figures-{site_id}"),
        ]

    def greet(self, watcher: Watcher) -> None:
        """A monitor that joined: the last figures at once, new ones soon if they are old."""
        parts = self.parts.get(watcher.view)
        if parts is not None:
            watcher.has_figures = True
            watcher.offer(0, 0, _figures_text(self.seq, parts))
        if parts is None or self._since_figures() > self._spacing:
            self.wanted.set()

    def _since_figures(self) -> float:
        return asyncio.get_running_loop().time() - self._last_figures

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._sub is not None:
            self.hub.broadcaster.unsubscribe(self._sub)

    # --- events -------------------------------------------------------------------------

    async def _events(self) -> None:
        loop = asyncio.get_running_loop()
        self._sub = sub = await self.hub.broadcaster.subscribe(self.site_id)
        self.started.set()
        while True:
            first = await sub.queue.get()
            wait = self._last_batch + self.hub.batch_s - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            items = [first]
            while not sub.queue.empty():
                items.append(sub.queue.get_nowait())
            self._last_batch = loop.time()
            if sub.overflowed.is_set():  # events were lost here: every monitor resumes
                for watcher in self.watchers:
                    watcher.close("too_slow")
                self.hub.broadcaster.unsubscribe(sub)
                self._sub = sub = await self.hub.broadcaster.subscribe(self.site_id)
                continue
            self._send_batch(items)
            self.wanted.set()

    def _send_batch(self, items: list[tuple[int, str]]) -> None:
        shown = []
        for _, text in items:
            if '"site.configured"' in text:
                self._sign_out(text)
            elif any(kind in text for kind in SHOWN_AT_ONCE) and _kind(text) in SHOWN_AT_ONCE:
                shown.append(text)
        first, last = items[0][0], items[-1][0]
        epoch = json.loads(items[-1][1]).get("epoch")
        text = (
            f'{{"type":"batch","epoch":{json.dumps(epoch)},"seq":{last},'
            f'"events":[{",".join(shown)}]}}'
        )
        self.hub.stats.batches += 1
        for watcher in self.watchers:
            watcher.offer(first, last, text)

    def _sign_out(self, text: str) -> None:
        event = json.loads(text)
        if event.get("type") != "site.configured":
            return
        gone = event.get("payload", {}).get("signed_out")
        if isinstance(gone, list) and gone:
            keys = {str(k) for k in gone}
            for watcher in self.watchers:
                if watcher.actor_key in keys:
                    watcher.close("signed_out")

    # --- figures ------------------------------------------------------------------------

    async def _figures(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: 3.11's wait_for swallows a cancellation that
            # comes as the event is set, and the feed would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.hub.clock_s):
                    await self.wanted.wait()
            wait = self._spacing - self._since_figures()
            if wait > 0:  # a burst of events: one reading for all of it
                await asyncio.sleep(wait)
            self.wanted.clear()
            views = {w.view for w in self.watchers}
            if not views:
                continue
            self._last_figures = asyncio.get_running_loop().time()
            try:
                rendered = await to_thread.run_sync(self._read_and_render, views)
            except Exception:  # a database hiccup must not stop the monitors' figures
                log.exception("monitor figures for %s failed", self.site_code)
                continue
            cpu_s, figures = rendered
            low, high = self.hub.figures_s
            self._spacing = min(high, max(low, FIGURES_COST * cpu_s))
            self._send_figures(figures)

    def _read_and_render(
        self, views: set[ViewKey]
    ) -> tuple[float, tuple[int, dict[ViewKey, dict[str, str]]]]:
        started = time.thread_time()
        hall = self.hub.monitor.fresh(self.site_code)
        self.hub.stats.readings += 1
        rendered = {}
        for language, own in views:
            rendered[(language, own)] = split_parts(self.hub.render(hall, language, own))
            self.hub.stats.renders += 1
        return time.thread_time() - started, (hall.seq, rendered)

    def _send_figures(self, rendered: tuple[int, dict[ViewKey, dict[str, str]]]) -> None:
        self.seq, views = rendered
        texts: dict[tuple[ViewKey, bool], str | None] = {}
        for view, parts in views.items():
            before = self.parts.get(view, {})
            changed = {name: html for name, html in parts.items() if before.get(name) != html}
            self.parts[view] = parts
            texts[(view, True)] = _figures_text(self.seq, parts)
            texts[(view, False)] = _figures_text(self.seq, changed) if changed else None
        for watcher in self.watchers:
            text = texts.get((watcher.view, not watcher.has_figures))
            if text is not None:
                watcher.offer(0, 0, text)
                watcher.has_figures = True


def _kind(text: str) -> str:
    return f'"{json.loads(text).get("type")}"'


def _figures_text(seq: int, parts: dict[str, str]) -> str:
    return json.dumps({"type": "figures", "seq": seq, "parts": parts}, ensure_ascii=False)


class MonitorHub:
    """The feeds of the watched sites; a feed lives while a monitor watches its site."""

    def __init__(self, broadcaster: Broadcaster, monitor: MonitorService, render: Renderer) -> None:
        self.broadcaster = broadcaster
        self.monitor = monitor
        self.render = render
        self.stats = FeedStats()
        self.batch_s, self.figures_s, self.clock_s = BATCH_S, FIGURES_S, CLOCK_S
        self._feeds: dict[int, SiteFeed] = {}

    async def watch(
        self, site_code: str, site_id: int, view: ViewKey, actor_key: str | None
    ) -> Watcher:
        """A new monitor of the site: its frames from now on (the figures at once when
        the feed has them). The caller sends the event log's catch-up itself."""
        feed = self._feeds.get(site_id)
        if feed is None:
            feed = self._feeds[site_id] = SiteFeed(self, site_code, site_id)
        watcher = Watcher(view, actor_key)
        feed.watchers.add(watcher)  # before the wait: the feed stays while it is joined
        try:
            await feed.started.wait()
        except BaseException:
            await self.leave(site_id, watcher)
            raise
        feed.greet(watcher)
        return watcher

    async def leave(self, site_id: int, watcher: Watcher) -> None:
        feed = self._feeds.get(site_id)
        if feed is None:
            return
        feed.watchers.discard(watcher)
        if not feed.watchers and self._feeds.get(site_id) is feed:
            del self._feeds[site_id]
            await feed.stop()

    def feed_count(self) -> int:
        return len(self._feeds)

    async def stop(self) -> None:
        feeds, self._feeds = list(self._feeds.values()), {}
        for feed in feeds:
            for watcher in feed.watchers:
                watcher.close("gone")
            await feed.stop()
