"""A programme server for the tests: uvicorn on a thread, TLS with a certificate of a CA the tests
make (trustme), and services that call it the way a desk does.

`LiveServer.serve(services)` points the one server of the test session at a test's own services
(the server looks its services up per request), so a test costs no server start. `over_http`
wraps a test's `Services`: the twelve services and 본인인증 go through `remote.client` over HTTPS,
everything else (the engine, the clock, the session store, the SMS outbox, the issuers) stays the
test's own, for the factories that set up a scenario.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ssl
from dataclasses import dataclass

import httpx
import trustme

from kvoucher_desktop.remote import protocol
from kvoucher_desktop.remote.client import ClientConfig, RemoteIdentity, RemoteService, Transport
from kvoucher_desktop.server.app import ServerConfig, create_app
from kvoucher_desktop.server.run import serve_in_thread

#: the tests log in hundreds of times from one address: the flood limits get their own tests
TEST_SERVER = ServerConfig(login_per_address=1_000_000, login_per_account=1_000_000)
#: the same with the development endpoints (the simulated SMS), which the session's server has not
DEV_TEST_SERVER = dataclasses.replace(TEST_SERVER, dev_endpoints=True)


@dataclass
class LiveServer:
    url: str
    app: object
    ca: trustme.CA

    @property
    def state(self):
        return self.app.state.kvoucher

    def serve(self, services) -> None:
        self.state.services = services

    def client_context(self) -> ssl.SSLContext:
        """Trusts the test CA only (not the system's store too, whose loading costs ~25 ms)."""
        return ssl.create_default_context(cadata=self.ca.cert_pem.bytes().decode("ascii"))

    def http(self, **options) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=self.client_context(), timeout=30, **options)

    def transport(self, config: ClientConfig = ClientConfig(retries=0)) -> Transport:
        return Transport(self.url, config=config, http=self.http())

    def ca_file(self, folder) -> str:
        """The CA as a PEM file in `folder`, as a desk is given it (`--server-ca`)."""
        path = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(path))
        return str(path)


@contextlib.contextmanager
def live_server(config: ServerConfig = TEST_SERVER, services=None):
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    app = create_app(services, config)
    with serve_in_thread(app, ssl_context=server_context) as url:
        yield LiveServer(url, app, ca)


class _Served(RemoteService):
    """A remote service; what the server does not serve (a service's `uow` for a factory's set-up,
    the server's own jobs) is the test's in-process service."""

    def __init__(self, transport: Transport, name: str, inner):
        super().__init__(transport, name)
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)


class OverHttp:
    """A test's services with the twelve service objects and the identity provider (본인인증)
    replaced by clients of the live server."""

    def __init__(self, services, transport: Transport):
        self._inner = services
        self.transport = transport
        for name in protocol.SERVICE_NAMES:
            setattr(self, name, _Served(transport, name, getattr(services, name)))
        self.identity = RemoteIdentity(transport)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def dispose(self) -> None:
        self.transport.close()
        self._inner.dispose()


def over_http(services, server: LiveServer) -> OverHttp:
    server.serve(services)
    return OverHttp(services, server.transport())


def in_process(services):
    """The test's own `Services` behind `services` (itself when called in process): what a test
    patches must be what the server runs."""
    return services._inner if isinstance(services, OverHttp) else services
