"""The production profile as one whole: gunicorn workers on production settings, PostgreSQL,
a Celery worker on Redis, the cache in Redis, behind a (pretend) TLS-terminating proxy.

The two processes are real and share nothing but the database, Redis and the media folder,
as two machines behind a load balancer would (docs/deployment.md). PostgreSQL leg only: the
processes need the test database on a server."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import openpyxl
import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from houbei.accounts.models import FailedSignIn
from houbei.conftest import World
from houbei.pipeline.models import Standing
from houbei.pipeline.stages import Stage
from houbei.tests.factories import make_person

PASSWORD = "Prod-profile-Pa55word!"
END = timezone.localdate().isoformat()
REDIS_URL = "redis://127.0.0.1:6379/14"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(tmp_path: Path) -> dict[str, str]:
    data = connection.settings_dict
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HOUBEI_", "DATABASE_URL", "DJANGO_"))
    }
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "houbei.config.settings.prod",
        "HOUBEI_SECRET_KEY": secrets.token_urlsafe(64),
        # The test database's rows were encrypted with the test keys.
        "HOUBEI_FIELD_KEYS": ",".join(settings.HOUBEI_FIELD_KEYS),
        "HOUBEI_LOOKUP_KEY": settings.HOUBEI_LOOKUP_KEY,
        "HOUBEI_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{data['USER']}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/"
            f"{data['NAME']}"
        ),
        # The same database as a "replica": the report pages take the replica's path.
        "HOUBEI_REPLICA_DATABASE_URL": (
            f"postgres://{data['USER']}@{data['HOST'] or '127.0.0.1'}:{data['PORT'] or 5432}/"
            f"{data['NAME']}"
        ),
        "HOUBEI_REDIS_URL": REDIS_URL,
        "HOUBEI_DATA_DIR": str(tmp_path),
        "HOUBEI_MEDIA_ROOT": str(tmp_path / "shared-media"),
        "HOUBEI_PROXY_COUNT": "1",
        "HOUBEI_EXPORT_INLINE_ROWS": "0",  # every export becomes a job for the worker
    }


@pytest.fixture
def production(transactional_db: None, tmp_path: Path) -> Iterator[int]:
    """A port where gunicorn (2 workers) serves, with a Celery worker beside it."""
    if connection.vendor != "postgresql":
        pytest.skip("the production profile runs on PostgreSQL (PostgreSQL leg)")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    env = _environment(tmp_path)
    django_admin = [sys.executable, "-m", "django"]
    subprocess.run(  # noqa: S603 - our interpreter, fixed arguments
        [*django_admin, "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=300
    )
    port = _free_port()
    log = open(tmp_path / "processes.log", "wb")  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen(  # noqa: S603
            [*django_admin, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(  # noqa: S603
            [*django_admin, "worker", "--concurrency", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("gunicorn did not start:\n" + (tmp_path / "processes.log").read_text())
        yield port
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


class Browser:
    """Just enough of a browser behind a TLS-terminating proxy: cookies by hand (they are
    Secure), X-Forwarded-Proto and -For as the proxy would add them, a Referer for CSRF."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
            "Referer": "https://127.0.0.1/accounts/login/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "zh-hans",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        link.request(method, path, body=body, headers=headers)
        response = link.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        found = {key.lower(): value for key, value in response.getheaders()}
        link.close()
        return response.status, found, content


def test_the_production_profile_serves_reports_and_runs_exports_on_the_worker(
    world: World, production: int
) -> None:
    wang = make_person(world.village_a, "王强")
    Standing.objects.create(person=wang, stage=Stage.VILLAGE_RESERVE, since=dt.date(2026, 1, 5))
    # Hashed the way production checks it (the tests' own hasher is a fast MD5).
    hasher = PBKDF2PasswordHasher()
    world.district_admin.password = hasher.encode(PASSWORD, hasher.salt())
    world.district_admin.save()
    browser = Browser(production)

    status, headers, page = browser.request("GET", "/accounts/login/")
    assert status == 200
    assert headers.get("strict-transport-security"), "HTTPS-only headers are set"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = f"csrfmiddlewaretoken={token.group(1).decode()}&username={world.district_admin.username}"
    status, _, _ = browser.request("POST", "/accounts/login/", form + "&password=wrong")
    assert status == 200
    # The failed attempt is recorded against the client, not against the proxy in front.
    assert FailedSignIn.objects.get().ip_address == "198.51.100.7"
    status, headers, page = browser.request(
        "POST", "/accounts/login/", form + f"&password={PASSWORD}"
    )
    assert status == 302, page.decode()

    status, _, page = browser.request("GET", "/reports/")
    assert status == 200
    assert world.district.name.encode() in page
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', page)
    assert stylesheet is not None, "hashed static names from collectstatic's manifest"
    status, _, _ = browser.request("GET", stylesheet.group(1).decode())
    assert status == 200, "WhiteNoise serves the collected files"

    status, headers, _ = browser.request("GET", f"/reports/people.xlsx?figure=pool_total&end={END}")
    assert status == 302 and "/jobs/" in headers["location"], "the export became a job"
    job_path = headers["location"].split("://", 1)[-1]
    job_path = job_path[job_path.index("/jobs/") :]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status, _, content = browser.request("GET", job_path + "download/")
        if status == 200:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the Celery worker did not finish the export")
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    assert "王强" in {cell for row in sheet.iter_rows(values_only=True) for cell in row}
