"""Where data lives, which store is used, and secrets in the keyring (with a clear fallback)."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import null

from kvoucher_desktop import settings
from kvoucher_desktop.services.errors import SettingsError
from kvoucher_desktop.services.store import check_connection


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.data = {}

    def get_password(self, service, username):
        return self.data.get((service, username))

    def set_password(self, service, username, password):
        self.data[(service, username)] = password

    def delete_password(self, service, username):
        self.data.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_backend_saving_gives_a_clear_korean_message(no_keyring):
    assert not settings.keyring_available()
    with pytest.raises(settings.KeyringUnavailable) as info:
        settings.save_database_url("postgresql://desk:secret@db.example/kvoucher")
    assert "키링" in info.value.message
    assert settings.saved_database_url() is None
    with pytest.raises(settings.KeyringUnavailable):
        settings.save_remembered_login("operator")


def test_database_url_and_login_id_round_trip_through_the_keyring(memory_keyring):
    settings.save_database_url("postgresql://desk:secret@db.example/kvoucher")
    settings.save_remembered_login("operator")
    assert settings.saved_database_url() == "postgresql://desk:secret@db.example/kvoucher"
    assert settings.remembered_login() == "operator"
    settings.save_remembered_login(None)
    assert settings.remembered_login() is None


def test_database_url_precedence(memory_keyring, monkeypatch):
    local_url, source = settings.resolve_database_url(None, demo=False)
    assert source == "local" and local_url.endswith("kvoucher.sqlite3")
    assert str(settings.data_dir()) in local_url
    settings.save_database_url("postgresql://k@h/from_keyring")
    assert settings.resolve_database_url(None, demo=False) == ("postgresql://k@h/from_keyring", "keyring")
    monkeypatch.setenv(settings.ENV_DATABASE_URL, "postgresql://e@h/from_env")
    assert settings.resolve_database_url(None, demo=False) == ("postgresql://e@h/from_env", "environment")
    assert settings.resolve_database_url("postgresql://c@h/cli", demo=False) == ("postgresql://c@h/cli", "command line")
    demo_url, source = settings.resolve_database_url("postgresql://c@h/cli", demo=True)
    assert source == "demo" and demo_url.endswith("demo.sqlite3")


def test_check_connection_describes_a_store_or_explains_in_korean(tmp_path):
    description = check_connection(f"sqlite:///{tmp_path}/x.sqlite3")
    assert description.startswith("SQLite")
    with pytest.raises(SettingsError, match="형식"):
        check_connection("not a url")
    with pytest.raises(SettingsError, match="PostgreSQL 또는 SQLite"):
        check_connection("mysql://root@localhost/x")
    with pytest.raises(SettingsError, match="연결을 거부했습니다") as refused:
        check_connection("postgresql://nobody@127.0.0.1:1/nothing")
    assert "Connection refused" not in refused.value.message  # the driver's English goes to the log


def test_server_url_precedence_flags_then_environment_then_keyring(memory_keyring, monkeypatch):
    monkeypatch.delenv(settings.ENV_SERVER_URL, raising=False)
    monkeypatch.delenv(settings.ENV_SERVER_CA, raising=False)
    assert settings.resolve_store().source == "local" and not settings.resolve_store().is_server

    settings.save_server_url("https://saved.example.kr:8443", "/etc/kvoucher/ca.pem")
    saved = settings.resolve_store()
    assert (saved.url, saved.source, saved.ca_file, saved.is_server) == (
        "https://saved.example.kr:8443", "keyring", "/etc/kvoucher/ca.pem", True)

    monkeypatch.setenv(settings.ENV_SERVER_URL, "https://env.example.kr:8443")
    from_env = settings.resolve_store()
    assert (from_env.url, from_env.source, from_env.ca_file) == ("https://env.example.kr:8443", "environment", None)
    monkeypatch.setenv(settings.ENV_SERVER_CA, "/env/ca.pem")
    assert settings.resolve_store().ca_file == "/env/ca.pem"

    flags = settings.resolve_store(cli_server_url="https://cli.example.kr", cli_server_ca="/cli/ca.pem")
    assert (flags.url, flags.source, flags.ca_file) == ("https://cli.example.kr", "command line", "/cli/ca.pem")
    # an explicit database flag beats a server from the environment: the higher level wins
    database = settings.resolve_store(cli_database_url="postgresql://c@h/cli")
    assert (database.url, database.source, database.is_server) == ("postgresql://c@h/cli", "command line", False)
    # a CA from the environment goes with a server from the keyring, not only with its own level
    monkeypatch.delenv(settings.ENV_SERVER_URL)
    assert settings.resolve_store().ca_file == "/env/ca.pem" and settings.resolve_store().source == "keyring"

    demo = settings.resolve_store(cli_server_url="https://cli.example.kr", demo=True)
    assert demo.source == "demo" and demo.url.endswith("demo.sqlite3") and demo.ca_file is None


def test_a_database_and_a_server_at_one_level_are_refused_not_guessed(memory_keyring, monkeypatch):
    with pytest.raises(settings.StoreChoiceError, match="하나만"):
        settings.resolve_store(cli_database_url="postgresql://c@h/cli", cli_server_url="https://cli.example.kr")
    monkeypatch.setenv(settings.ENV_DATABASE_URL, "postgresql://e@h/env")
    monkeypatch.setenv(settings.ENV_SERVER_URL, "https://env.example.kr")
    with pytest.raises(settings.StoreChoiceError, match=settings.ENV_SERVER_URL):
        settings.resolve_store()
    assert settings.resolve_store(cli_server_url="https://cli.example.kr").source == "command line"


def test_the_keyring_remembers_one_store(memory_keyring):
    settings.save_database_url("postgresql://desk:secret@db.example/kvoucher")
    settings.save_server_url("https://voucher.example.kr:8443")
    assert settings.saved_database_url() is None
    assert settings.saved_server() == ("https://voucher.example.kr:8443", None)
    settings.save_database_url("postgresql://desk:secret@db.example/kvoucher")
    assert settings.saved_server() == (None, None)
    assert settings.resolve_store().url == "postgresql://desk:secret@db.example/kvoucher"
    settings.save_server_url("https://voucher.example.kr:8443", "/ca.pem")
    settings.save_server_url(None)
    assert settings.saved_server() == (None, None) and memory_keyring.data.get(
        (settings.KEYRING_SERVICE, "server_ca")) is None


def test_saving_a_server_without_a_keyring_backend_explains_why(no_keyring):
    with pytest.raises(settings.KeyringUnavailable, match="키링"):
        settings.save_server_url("https://voucher.example.kr:8443")
