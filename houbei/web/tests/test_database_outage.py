"""Database unreachable → a clear 503 page, nothing saved, and service again once it returns."""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.error
import urllib.request
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from houbei.conftest import World
from houbei.people.models import Person
from houbei.web.views import server_error


def test_an_unreachable_database_gives_a_clear_503_and_then_recovers(world: World) -> None:
    client = Client()
    client.force_login(world.secretary_a)
    outage = OperationalError("could not connect to server: Connection refused")
    with mock.patch("houbei.people.views.person_pages", side_effect=outage):
        response = client.get(reverse("people:list"))
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "数据库暂时连接不上" in response.content.decode()
    assert client.get(reverse("people:list")).status_code == 200  # back without any action
    assert not Person.objects.exists()


class CuttableLink:
    """A TCP path from Houbei to PostgreSQL that the test cuts and mends: a real network
    outage as the server sees it (connections reset, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None

    def mend(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(OSError):  # wakes the thread blocked in accept()
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


@pytest.mark.django_db(transaction=True)
def test_a_real_network_cut_to_postgresql_gives_503_and_recovers(
    world: World, live_server: LiveServer
) -> None:
    """The live server reaches PostgreSQL through a link the test cuts: pages and writes
    answer the 503 page while it is cut, nothing is saved, and once the link is mended the
    same server process serves again without a restart."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL reached over TCP (the PostgreSQL leg of CI)")
    database = connections.settings["default"]  # what the server threads connect with
    link = CuttableLink(database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))
    link.mend()
    saved = database["HOST"], database["PORT"]
    database["HOST"], database["PORT"] = "127.0.0.1", link.port
    try:
        signed_in = Client()
        signed_in.force_login(world.secretary_a)
        cookie = f"sessionid={signed_in.cookies['sessionid'].value}"
        people = f"{live_server.url}{reverse('people:list')}"

        def get(url: str) -> tuple[int, str, dict[str, str]]:
            request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    return response.status, response.read().decode(), dict(response.headers)
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode(), dict(error.headers)

        assert get(people)[0] == 200
        link.cut()
        status, body, headers = get(people)
        assert status == 503 and headers["Retry-After"] == "60"
        assert "数据库暂时连接不上" in body
        assert get(f"{live_server.url}{reverse('web:home')}")[0] == 503
        link.mend()
        status, body, _ = get(people)
        assert status == 200 and "人员" in body
    finally:
        database["HOST"], database["PORT"] = saved
        link.cut()


def test_the_500_handler_tells_an_outage_from_other_errors(rf: RequestFactory) -> None:
    for error, status in ((ValueError("a bug"), 500), (OperationalError("no route"), 503)):
        try:
            raise error
        except Exception:
            assert server_error(rf.get("/people/")).status_code == status
