"""Where data lives, which database to use, and secrets in the OS keyring (SPEC §9)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .private_files import private_dir

APP_DIR_NAME = "kvoucher-desktop"
KEYRING_SERVICE = "kvoucher-desktop"
ENV_DATABASE_URL = "KVOUCHER_DATABASE_URL"
ENV_SERVER_URL = "KVOUCHER_SERVER_URL"
ENV_SERVER_CA = "KVOUCHER_SERVER_CA"
ENV_DATA_DIR = "KVOUCHER_DATA_DIR"

NO_KEYRING_MESSAGE = (
    "이 컴퓨터에서는 운영체제 보안 저장소(키링)를 사용할 수 없어 정보를 저장하지 못했습니다. "
    "매번 직접 입력하시거나 환경변수 KVOUCHER_DATABASE_URL을 사용해 주세요."
)


NO_KEYRING_LOGIN_MESSAGE = (
    "이 컴퓨터에서는 운영체제 보안 저장소(키링)를 사용할 수 없어 아이디를 저장하지 못했습니다. "
    "로그인은 정상적으로 되었으며, 다음에는 아이디를 직접 입력해 주세요."
)


class KeyringUnavailable(RuntimeError):
    def __init__(self, message: str = NO_KEYRING_MESSAGE):
        super().__init__(message)
        self.message = message


def data_dir() -> Path:
    """Per-user data folder (override with KVOUCHER_DATA_DIR)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        path = Path(override)
    else:  # imported here: the entry point reads this module before the first window, not this folder
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    return private_dir(path)  # 0700 on POSIX: the store and the logs are the user's alone


def log_dir() -> Path:
    return private_dir(data_dir() / "logs")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def default_database_path() -> Path:
    return data_dir() / "kvoucher.sqlite3"


def demo_database_path() -> Path:
    return data_dir() / "demo.sqlite3"


def _keyring():
    try:
        import keyring
        from keyring.backends import fail
    except Exception as exc:  # pragma: no cover - keyring is a dependency
        raise KeyringUnavailable() from exc
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or "fail" in type(backend).__module__ or "null" in type(backend).__module__:
        raise KeyringUnavailable()
    return keyring


def keyring_available() -> bool:
    try:
        _keyring()
        return True
    except KeyringUnavailable:
        return False


def save_secret(name: str, value: str | None) -> None:
    kr = _keyring()
    try:
        if value:
            kr.set_password(KEYRING_SERVICE, name, value)
        else:
            try:
                kr.delete_password(KEYRING_SERVICE, name)
            except Exception:
                pass
    except KeyringUnavailable:
        raise
    except Exception as exc:
        raise KeyringUnavailable() from exc


def load_secret(name: str) -> str | None:
    try:
        return _keyring().get_password(KEYRING_SERVICE, name)
    except Exception:
        return None


def save_database_url(url: str | None) -> None:
    """Remember a shared-desk database URL (may hold a password) in the keyring. The keyring
    remembers one store: saving a database forgets a saved server."""
    save_secret("database_url", url)
    if url:
        save_secret("server_url", None)
        save_secret("server_ca", None)


def saved_database_url() -> str | None:
    return load_secret("database_url")


def save_server_url(url: str | None, ca_file: str | None = None) -> None:
    """Remember a programme server's address (and the CA file of a private certificate) in the
    keyring, where a database URL is remembered: one answer to "where is my store". Saving a
    server forgets a saved database URL; None forgets the server."""
    save_secret("server_url", url)
    save_secret("server_ca", (ca_file or None) if url else None)
    if url:
        save_secret("database_url", None)


def saved_server() -> tuple[str | None, str | None]:
    """(address, CA file) of the remembered programme server ((None, None): none)."""
    url = load_secret("server_url")
    return (url, load_secret("server_ca")) if url else (None, None)


def save_remembered_login(login_id: str | None) -> None:
    save_secret("remembered_login_id", login_id)


def remembered_login() -> str | None:
    return load_secret("remembered_login_id")


class StoreChoiceError(ValueError):
    """Two stores named at one level (a database and a server): which one is meant is not guessed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StoreChoice:
    """Where this desk's store is: a database URL or a programme server's https address."""

    url: str
    #: "demo", "command line", "environment", "keyring" or "local"
    source: str
    #: a programme server's private CA (PEM); None: the system's trust store
    ca_file: str | None = None

    @property
    def is_server(self) -> bool:
        return is_server_url(self.url)


def is_server_url(url: str | None) -> bool:
    """A programme server's address (https://host:port; http only to this machine), not a database URL."""
    return bool(url) and url.strip().lower().startswith(("https://", "http://"))


def resolve_store(cli_database_url: str | None = None, cli_server_url: str | None = None,
                  cli_server_ca: str | None = None, demo: bool = False) -> StoreChoice:
    """Which store to open: the command line, then the environment, then the keyring, then the local
    SQLite file; `--demo` ignores them all. A database and a server at one level are refused. The CA
    file is `--server-ca`, else KVOUCHER_SERVER_CA, else the one saved with a remembered server."""
    if demo:
        return StoreChoice(sqlite_url(demo_database_path()), "demo")
    env_ca = os.environ.get(ENV_SERVER_CA) or None
    explicit_ca = cli_server_ca or env_ca
    levels = (("command line", cli_database_url, cli_server_url, "--database-url와 --server"),
              ("environment", os.environ.get(ENV_DATABASE_URL), os.environ.get(ENV_SERVER_URL),
               f"환경변수 {ENV_DATABASE_URL}와 {ENV_SERVER_URL}"))
    for source, database, server, names in levels:
        if database and server:
            raise StoreChoiceError(f"{names}가 함께 지정되어 있습니다. 데이터베이스와 서버 중 하나만 지정해 주세요.")
        if server:
            return StoreChoice(server.strip(), source, explicit_ca)
        if database:
            return StoreChoice(database, source)
    saved, saved_ca = saved_server()
    if saved:
        return StoreChoice(saved, "keyring", explicit_ca or saved_ca)
    database = saved_database_url()
    if database:
        return StoreChoice(database, "keyring")
    return StoreChoice(sqlite_url(default_database_path()), "local")


def resolve_database_url(cli_url: str | None, demo: bool) -> tuple[str, str]:
    """(url, where it came from). CLI > environment > keyring > local SQLite file."""
    if demo:
        return sqlite_url(demo_database_path()), "demo"
    if cli_url:
        return cli_url, "command line"
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return env, "environment"
    saved = saved_database_url()
    if saved:
        return saved, "keyring"
    return sqlite_url(default_database_path()), "local"
