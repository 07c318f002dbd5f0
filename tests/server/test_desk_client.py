"""The desk's composition root on a programme server (app.py): `--server`/`--server-ca` and the
keyring, the client it opens instead of a store (no engine on the desk), the store label, and the
Korean start-up reasons — without Qt."""

from __future__ import annotations

import pytest

from kvoucher_desktop import app, settings
from kvoucher_desktop.remote.client import ClientConfig, RemoteServices, Transport
from kvoucher_desktop.services.errors import SettingsError, Unavailable
from tests.unit.test_settings import MemoryKeyring, memory_keyring  # noqa: F401  (a fixture)


@pytest.fixture
def ca_pem(live_server, tmp_path) -> str:
    return live_server.ca_file(tmp_path)


def test_the_store_label_names_the_server_by_host_and_port():
    assert app.describe_store("https://voucher.example.kr:8443") == "서버: voucher.example.kr:8443"
    assert app.describe_store("https://voucher.example.kr/") == "서버: voucher.example.kr:443"
    assert app.describe_store("http://127.0.0.1:8080") == "서버: 127.0.0.1:8080"
    assert app.describe_store("https://[::1]:8443") == "서버: [::1]:8443"
    assert app.describe_store("postgresql://u:pw@db/kv") == "PostgreSQL: db/kv"


def test_a_server_address_gives_the_client_with_the_servers_clock_and_no_engine(live_server, ca_pem, services, clock):
    live_server.serve(services)
    remote = app.prepare_services(live_server.url, demo=False, server_ca=ca_pem)
    try:
        assert isinstance(remote, RemoteServices) and not hasattr(remote, "engine")
        assert abs((remote.clock.now() - clock.now()).total_seconds()) < 5  # the server's (test) clock
        assert remote.cards is None and remote.zeropay is None  # the issuers run in the server
        assert remote.sms.available is False  # the session's server has no development endpoints
        assert remote.programme.settings().year == services.programme.settings().year
    finally:
        remote.dispose()


def test_an_unreachable_or_untrusted_server_is_explained_like_an_unreachable_database(live_server):
    with pytest.raises(Unavailable) as closed:
        app.prepare_services("https://127.0.0.1:1", demo=False)
    message = app.start_failure_message("https://127.0.0.1:1", closed.value)
    assert message.startswith("서버에 연결하지 못했습니다.\n서버: 127.0.0.1:1\n\n서버가 응답하지 않습니다.")
    assert "로그: " in message

    with pytest.raises(Unavailable) as untrusted:  # a private certificate without its CA file
        app.prepare_services(live_server.url, demo=False)
    assert "CA 파일" in app.start_failure_message(live_server.url, untrusted.value)

    with pytest.raises(SettingsError) as no_file:
        app.prepare_services(live_server.url, demo=False, server_ca="/nonexistent/ca.pem")
    assert "/nonexistent/ca.pem" in app.start_failure_message(live_server.url, no_file.value)

    with pytest.raises(ValueError) as plain:
        app.prepare_services("http://voucher.example.kr:8080", demo=False)
    assert "https" in app.start_failure_message("http://voucher.example.kr:8080", plain.value)

    conflict = settings.StoreChoiceError("둘 중 하나만 지정해 주세요.")
    assert app.start_failure_message(None, conflict).startswith("둘 중 하나만 지정해 주세요.")


def test_the_dialogs_check_names_the_server_and_refuses_a_malformed_address_at_its_field(live_server, ca_pem):
    assert app.check_server(live_server.url, ca_pem).startswith(live_server.url.split("//")[1])
    with pytest.raises(SettingsError) as malformed:
        app.check_server("ftp://voucher.example.kr")
    assert malformed.value.field == "url" and "https://" in malformed.value.message
    with pytest.raises(SettingsError) as no_file:
        app.check_server(live_server.url, "  /nonexistent/ca.pem ")
    assert no_file.value.field == "ca_file"


def test_the_command_line_saves_and_forgets_the_server_in_the_keyring(memory_keyring, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert app.main(["--save-server-url", "--server", "https://voucher.example.kr:8443/", "--server-ca", "ca.pem"]) == 0
    assert settings.saved_server() == ("https://voucher.example.kr:8443", str(tmp_path / "ca.pem"))
    assert app.main(["--save-server-url", "--server", "http://voucher.example.kr"]) == 2
    assert "https" in capsys.readouterr().err
    assert app.main(["--save-server-url"]) == 2
    assert app.main(["--forget-server-url"]) == 0 and settings.saved_server() == (None, None)


def test_a_database_and_a_server_on_one_command_line_are_refused(capsys):
    assert app.main(["--database-url", "sqlite://", "--server", "https://voucher.example.kr"]) == 2
    assert "함께 쓸 수 없습니다" in capsys.readouterr().err


def test_verify_audit_is_not_run_by_a_desk_on_a_server(capsys):
    assert app.main(["--verify-audit", "--server", "https://voucher.example.kr"]) == 2
    assert "--database-url" in capsys.readouterr().err


def test_a_server_that_is_gone_is_said_in_korean():
    """The client's own words for a server that went away (the views show them and keep the form)."""
    remote = RemoteServices(Transport("https://127.0.0.1:1", config=ClientConfig(retries=0, connect_timeout_s=1)))
    with pytest.raises(Unavailable) as lost:
        remote.accounts.login("demand", "password-typed")
    assert lost.value.code == "server_unreachable" and "입력한 내용은 그대로 있습니다" in lost.value.message
