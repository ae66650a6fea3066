"""A load scenario on loopback: virtual users of the demo's roles sign in and, for a fixed
time, mix what they do all day — search people, open lists, read the dashboard, and (the
post leader) check people in and out at the post they lead.

Standard library only (threads, urllib, a cookie jar per user). An *error* is a server error,
a failed connection, or an answer the action never gives; a refusal the application explains
(someone already checked in, say) is an answer, not an error."""

from __future__ import annotations

import http.cookiejar
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
THINK_SECONDS = (0.5, 2.5)


@dataclass
class Sample:
    action: str
    seconds: float
    ok: bool


@dataclass
class Report:
    samples: list[Sample] = field(default_factory=list)

    def errors(self) -> int:
        return sum(1 for s in self.samples if not s.ok)

    def table(self) -> list[tuple[str, int, int, float, float]]:
        """(action, requests, errors, p50 ms, p95 ms) per action, then "all"."""
        by_action: dict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples:
            by_action[sample.action].append(sample)
        rows = [_row(name, samples) for name, samples in sorted(by_action.items())]
        if self.samples:
            rows.append(_row("all", self.samples))
        return rows


def _row(name: str, samples: list[Sample]) -> tuple[str, int, int, float, float]:
    times = sorted(s.seconds * 1000 for s in samples)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return name, len(samples), sum(1 for s in samples if not s.ok), statistics.median(times), p95


class VirtualUser:
    def __init__(self, base_url: str, username: str, password: str, report: Report) -> None:
        self.base = base_url.rstrip("/")
        self.username = username
        self.report = report
        self.lock = threading.Lock()
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.rng = random.Random(username)  # noqa: S311 - choosing pages, not secrets
        self.password = password

    def _csrf(self) -> str:
        return next((c.value or "" for c in self.jar if c.name == "csrftoken"), "")

    def request(
        self, action: str, path: str, data: dict[str, str] | None = None, ok: set[int] | None = None
    ) -> str:
        """One request, timed and judged; returns the body (empty on failure)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # The base URL was checked to be http(s) on loopback in run().
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310
        if body is not None:
            request.add_header("X-CSRFToken", self._csrf())
            request.add_header("Referer", self.base + path)
        started = time.perf_counter()
        status, text, landed = 0, "", ""
        try:
            with self.opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode("utf-8", "replace")
                landed = response.geturl()
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            status = 0
        elapsed = time.perf_counter() - started
        # Sent back to the sign-in page: the session was lost — an error, whatever the status.
        signed_out = "/accounts/login/" in landed and action != "sign-in page"
        good = status in (ok or {200}) and not signed_out
        with self.lock:
            self.report.samples.append(Sample(action, elapsed, good))
        return text

    def sign_in(self) -> None:
        self.request("sign-in page", "/accounts/login/")
        self.request(
            "sign in",
            "/accounts/login/",
            {"username": self.username, "password": self.password},
        )

    def think(self, seconds: tuple[float, float]) -> None:
        """A person reads the page before the next click."""
        time.sleep(self.rng.uniform(*seconds))

    def step(self) -> None:
        raise NotImplementedError


class Clerk(VirtualUser):
    """A village, town or district user: search, lists, the dashboard."""

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.4:
            term = self.rng.choice(["wq", "王", "zh", "li", "张", "hong"])
            self.request("search", f"/people/?q={urllib.parse.quote(term)}")
        elif roll < 0.7:
            self.request("list", self.rng.choice(["/people/", "/pipeline/", "/campaigns/"]))
        else:
            self.request("dashboard", "/reports/")


class PostLeader(VirtualUser):
    """Checks the rostered people of the post they lead in, and out again."""

    today = ""

    def step(self) -> None:
        if not self.today:
            home = self.request("list", "/")
            found = re.search(r'href="(/duty/posts/\d+/today/)" data-testid="led-post"', home)
            self.today = found[1] if found else "/"
        page = self.request("check-in screen", self.today)
        check_outs = re.findall(r'action="(/duty/records/\d+/check-out/)"', page)
        check_ins = re.findall(
            r'action="(/duty/posts/\d+/check-in/)"[^>]*>.*?name="person" value="(\d+)"',
            page,
            flags=re.S,
        )
        # Another virtual user may have acted on the same person since the page was read: the
        # application then refuses with a message (400/409) — an answer, not an error.
        answers = {200, 302, 400, 409}
        if check_outs and (not check_ins or self.rng.random() < 0.5):
            # 404: another user checked this shift out meanwhile (no longer open).
            self.request("check-out", self.rng.choice(check_outs), {}, answers | {404})
        elif check_ins:
            action, person = self.rng.choice(check_ins)
            self.request("check-in", action, {"person": person}, answers)


def run(
    base_url: str,
    accounts: list[tuple[str, str, str]],
    users: int,
    seconds: float,
    think: tuple[float, float] = THINK_SECONDS,
) -> Report:
    """``users`` virtual users drawn in turn from ``accounts`` (username, password, kind
    "clerk" or "post"), each working for ``seconds``."""
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or (parts.hostname or "") not in LOOPBACK:
        raise ValueError("the load scenario only ever targets this machine (loopback)")
    report = Report()
    deadline = time.monotonic() + seconds

    def work(index: int) -> None:
        username, password, kind = accounts[index % len(accounts)]
        user = (PostLeader if kind == "post" else Clerk)(base_url, username, password, report)
        user.sign_in()
        while time.monotonic() < deadline:
            user.step()
            user.think(think)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return report
