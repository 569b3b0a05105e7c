"""CurveZMQ keys: the server's key pair, workstation key pairs, the allow-list of clients.

Every Gridline socket speaks CURVE ("Ironhouse"): the traffic is encrypted, a client only talks
to a server whose public key it already holds, and the server only accepts clients whose public
certificate is in its allow-list. Keys are ZeroMQ certificates in the zcert text format written
by :func:`zmq.auth.create_certificates`, so the ``curve_keygen`` tool and czmq can read them.

Layout of ``<data dir>/keys/`` (the directory is private to the user, mode 0700)::

    server.key            the server's public certificate: give it to every workstation
    server.key_secret     the server's secret key (mode 0600): never leaves the server
    <name>.key            a workstation's own public certificate (console, simulator, ws-03…)
    <name>.key_secret     a workstation's own secret key (mode 0600)
    clients/<name>.key    the server's allow-list: one public certificate per enrolled client

Enrolling a new workstation ``ws-03`` on a separate machine:

1. On the workstation, run it once (or call ``ensure_client_keys(data_dir, "ws-03")``): it
   creates ``keys/ws-03.key`` and ``keys/ws-03.key_secret``.
2. Copy the *public* file ``keys/ws-03.key`` to the server (never the ``.key_secret``) and
   either drop it into the server's ``keys/clients/`` or call ``allow_client(data_dir, path,
   "ws-03")``. Copy the server's ``keys/server.key`` to the workstation's ``keys/``.
3. A running server watches ``clients/`` (every half second) and applies an enrolment or a
   revocation within a second, without a restart: a revoked key's sessions are closed, its
   feed subscriptions dropped, and every later request from it refused (see
   ``docs/SECURITY.md``). :func:`reload` re-reads the list for a bare authenticator.

Read-only feed keys (walls, external dashboards, plain RFC 12 clients) are enrolled with a
region scope (:func:`allow_feed_client`); their certificate carries ``role = "feed"`` and
``scope = "<region code>"`` in its metadata, and such a key may read the snapshot and the
updates of that region without any login, and nothing else.

Revoking a workstation: delete its file from ``clients/`` (or :func:`revoke_client`, or
``python -m dispatch.entrypoints.clients revoke NAME``).

On a ROUTER socket, ``frame.get("User-Id")`` is the Z85 public key of the sending client;
:meth:`AllowListAuthenticator.entry` turns it into the enrolled :class:`ClientEntry` (name,
role, scope) while the key is on the list, and into None once it is revoked.

The authenticator is ZeroMQ's ZAP handler for the whole context: there is one per context, it
must be started before any server socket binds, and the caller must keep a reference to it (a
``ThreadAuthenticator`` stops itself when garbage-collected). Without a running authenticator a
CURVE server accepts every client key.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils import z85

log = logging.getLogger(__name__)

KEYS_DIR = "keys"
CLIENTS_DIR = "clients"
SERVER_NAME = "server"
PUBLIC_SUFFIX = ".key"
SECRET_SUFFIX = ".key_secret"

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True, slots=True)
class ServerKeys:
    """The server's CURVE key pair (Z85 text, 40 bytes each) and its client allow-list."""

    public: bytes
    secret: bytes = field(repr=False)
    clients_dir: Path


@dataclass(frozen=True, slots=True)
class LocalTrust:
    """Keys of the embedded single-machine setup: server, console and simulator in one place."""

    server: ServerKeys
    console: tuple[bytes, bytes] = field(repr=False)    # (public, secret)
    simulator: tuple[bytes, bytes] = field(repr=False)  # (public, secret)


ROLE_WORKSTATION = "workstation"
ROLE_FEED = "feed"
ROLE_RELAY = "relay"  # logs in on behalf of many devices (the field gateway): see ClientEntry


@dataclass(frozen=True, slots=True)
class ClientEntry:
    """One enrolled client: its name (the file stem), Z85 public key, role and, for a
    read-only feed key, the region it may read ("" = the whole city). A ``relay`` key (the
    field gateway) logs in for many devices: its logins name the device, and failed logins
    are counted per device, so one device's guessing never locks the others out."""

    name: str
    key: bytes
    role: str = ROLE_WORKSTATION
    scope: str = ""

    @property
    def feed_only(self) -> bool:
        return self.role == ROLE_FEED

    @property
    def relay(self) -> bool:
        return self.role == ROLE_RELAY


# ----------------------------------------------------------------------------- paths, checks

def keys_dir(data_dir: Path) -> Path:
    """``<data dir>/keys``, created private (0700) if missing."""
    d = Path(data_dir) / KEYS_DIR
    if not d.is_dir():
        d.mkdir(parents=True, exist_ok=True)
        _chmod(d, 0o700)
    return d


def clients_dir(data_dir: Path) -> Path:
    """``<data dir>/keys/clients``: the allow-list of client public certificates."""
    d = keys_dir(data_dir) / CLIENTS_DIR
    d.mkdir(exist_ok=True)
    return d


def check_name(name: str) -> str:
    """A certificate name: letters, digits, ``_ . -``, at most 64, not ``server``."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"key name {name!r} must be 1-64 letters, digits, '_', '.' or '-', "
                         "starting with a letter or digit")
    if name.lower() == SERVER_NAME:
        raise ValueError("the key name 'server' is reserved for the server's own key pair")
    return name


def check_public_key(key: bytes | str) -> bytes:
    """A CURVE public key in Z85 text (40 characters); returned as bytes."""
    try:
        raw = key.encode("ascii") if isinstance(key, str) else bytes(key)
        ok = len(raw) == 40 and len(z85.decode(raw)) == 32
    except (ValueError, KeyError, IndexError, struct.error):  # incl. UnicodeEncodeError
        raw, ok = b"", False
    if not ok:
        raise ValueError("a CURVE public key is 40 characters of Z85 text "
                         f"(got {len(key)} characters that do not decode to 32 bytes)")
    return raw


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(OSError):  # best effort where the filesystem has no POSIX modes
        os.chmod(path, mode)


def _load_pair(secret_path: Path) -> tuple[bytes, bytes]:
    """Load and check a key pair from a ``.key_secret`` certificate."""
    public, secret = zmq.auth.load_certificate(secret_path)
    if not secret:
        raise ValueError(f"{secret_path} holds no secret key")
    try:
        derived = zmq.curve_public(secret)
    except zmq.ZMQError as exc:
        raise ValueError(f"{secret_path} holds a malformed secret key: {exc}") from exc
    if derived != public:
        raise ValueError(f"{secret_path} is corrupt: its public key does not match its secret key")
    if os.name == "posix" and stat.S_IMODE(secret_path.stat().st_mode) & 0o077:
        log.warning("%s was readable by other users; restricting it to mode 0600", secret_path)
        _chmod(secret_path, 0o600)
    return public, secret


def _ensure_pair(directory: Path, name: str) -> tuple[bytes, bytes]:
    """Load ``<directory>/<name>.key_secret``, creating the pair on first use.

    The pair is generated in a private temporary directory and linked into place, so the
    secret is never readable by others, a crash leaves no half-written file, and two processes
    starting at once end up with the same key.
    """
    secret_path = directory / f"{name}{SECRET_SUFFIX}"
    public_path = directory / f"{name}{PUBLIC_SUFFIX}"
    if not secret_path.exists():
        if public_path.exists():
            raise ValueError(
                f"{public_path} exists without its secret key {secret_path.name}: this looks "
                f"like a copy of another machine's public certificate; remove it or restore the "
                f"secret key (no new key pair was generated)")
        tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=directory))
        try:
            new_public, new_secret = (Path(p) for p in zmq.auth.create_certificates(tmp, name))
            _chmod(new_secret, 0o600)
            _chmod(new_public, 0o644)
            try:
                os.link(new_secret, secret_path)  # fails if another process won the race
            except FileExistsError:
                pass
            except OSError:  # no hard links on this filesystem
                if not secret_path.exists():
                    os.replace(new_secret, secret_path)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    public, secret = _load_pair(secret_path)
    if not public_path.exists() or zmq.auth.load_certificate(public_path)[0] != public:
        _write_public_cert(public_path, public, name)
    return public, secret


def _write_public_cert(path: Path, public: bytes, name: str,
                       metadata: dict[str, str] | None = None) -> None:
    """Write a public-only zcert certificate atomically."""
    extra = "".join(f"    {k} = \"{v}\"\n" for k, v in (metadata or {}).items())
    text = ("#   ZeroMQ CURVE Public Certificate\n"
            "#   Public: it may be copied to the server's keys/clients/ allow-list.\n"
            "\n"
            "metadata\n"
            f"    name = \"{name}\"\n"
            f"{extra}"
            "curve\n"
            f"    public-key = \"{public.decode('ascii')}\"\n")
    fd, tmp = tempfile.mkstemp(prefix=".new-", suffix=PUBLIC_SUFFIX + ".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        _chmod(Path(tmp), 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ------------------------------------------------------------------------------- key pairs

def ensure_server_keys(data_dir: Path) -> ServerKeys:
    """The server's key pair: generated on the first run, the same one on every later run."""
    directory = keys_dir(data_dir)
    public, secret = _ensure_pair(directory, SERVER_NAME)
    return ServerKeys(public=public, secret=secret, clients_dir=clients_dir(data_dir))


def ensure_client_keys(data_dir: Path, name: str) -> tuple[bytes, bytes]:
    """(public, secret) of a client (workstation, console, simulator), created on first use."""
    return _ensure_pair(keys_dir(data_dir), check_name(name))


def server_public_key(data_dir: Path) -> bytes:
    """The server's public key, from ``keys/server.key`` (a copy on a workstation is enough)."""
    path = Path(data_dir) / KEYS_DIR / f"{SERVER_NAME}{PUBLIC_SUFFIX}"
    if not path.exists():
        raise FileNotFoundError(
            f"no server public key at {path}: copy the server's keys/server.key here")
    return check_public_key(zmq.auth.load_certificate(path)[0])


def allow_client(data_dir: Path, public: bytes | Path, name: str, *, relay: bool = False
                 ) -> Path:
    """Enrol a client: write its public certificate into the allow-list; returns the file.
    ``relay``: a key that logs in on behalf of many devices (the field gateway).

    ``public`` is a Z85 public key or the path of a certificate (only its public key is copied,
    even from a ``.key_secret`` file). An existing entry of the same name is replaced. A running
    authenticator sees the change after :func:`reload`.
    """
    check_name(name)
    if isinstance(public, Path):
        key = check_public_key(zmq.auth.load_certificate(public)[0])
    else:
        key = check_public_key(public)
    path = clients_dir(data_dir) / f"{name}{PUBLIC_SUFFIX}"
    _write_public_cert(path, key, name, {"role": ROLE_RELAY} if relay else None)
    return path


def allow_feed_client(data_dir: Path, public: bytes | Path, name: str, scope: str) -> Path:
    """Enrol a read-only feed key limited to region ``scope`` ("" = the whole city): it may
    read that region's snapshot and updates without a login, and send no command."""
    check_name(name)
    scope = check_region(scope)
    if isinstance(public, Path):
        key = check_public_key(zmq.auth.load_certificate(public)[0])
    else:
        key = check_public_key(public)
    path = clients_dir(data_dir) / f"{name}{PUBLIC_SUFFIX}"
    _write_public_cert(path, key, name, {"role": ROLE_FEED, "scope": scope})
    return path


def check_region(scope: str) -> str:
    """A region code prefix: "" or 6, 9, 12 or 15 digits."""
    if not isinstance(scope, str) or len(scope) not in (0, 6, 9, 12, 15) or \
            (scope and not (scope.isascii() and scope.isdigit())):
        raise ValueError(f"scope {scope!r} must be empty (whole city) or a region code of "
                         "6, 9, 12 or 15 digits")
    return scope


def revoke_client(data_dir: Path, name: str) -> bool:
    """Remove a client from the allow-list; False if it was not there. Then :func:`reload`."""
    path = clients_dir(data_dir) / f"{check_name(name)}{PUBLIC_SUFFIX}"
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def allowed_clients(clients: Path) -> dict[str, bytes]:
    """The allow-list as {file stem: public key}; raises ValueError naming a malformed file."""
    return {name: e.key for name, e in client_entries(clients).items()}


_META = re.compile(r'^\s+([A-Za-z0-9_-]+)\s*=\s*"([^"]*)"\s*$')


def _metadata(path: Path) -> dict[str, str]:
    """The ``metadata`` section of a zcert file as {name: value}."""
    out: dict[str, str] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            section = line.strip()
            continue
        m = _META.match(line)
        if section == "metadata" and m:
            out[m.group(1)] = m.group(2)
    return out


def client_entries(clients: Path) -> dict[str, ClientEntry]:
    """The allow-list as {name: entry}; raises ValueError naming a malformed file."""
    if not Path(clients).is_dir():
        raise FileNotFoundError(f"the client allow-list directory {clients} does not exist")
    out: dict[str, ClientEntry] = {}
    for path in sorted(Path(clients).glob(f"*{PUBLIC_SUFFIX}")):
        try:
            key = check_public_key(zmq.auth.load_certificate(path)[0])
            meta = _metadata(path)
            role = meta.get("role", ROLE_WORKSTATION)
            if role not in (ROLE_WORKSTATION, ROLE_FEED, ROLE_RELAY):
                raise ValueError(f"unknown role {role!r}")
            scope = check_region(meta.get("scope", "")) if role == ROLE_FEED else ""
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"client certificate {path} is not usable: {exc}") from exc
        out[path.stem] = ClientEntry(path.stem, key, role, scope)
    return out


def allow_list_signature(clients: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a certificate is added, removed or rewritten (names, sizes, mtimes):
    cheap enough to look at twice a second."""
    out: list[tuple[str, int, int]] = []
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(clients):
            if entry.name.endswith(PUBLIC_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    st = entry.stat()
                    out.append((entry.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


def ensure_local_trust(data_dir: Path) -> LocalTrust:
    """Server, console, simulator and gateway keys for the embedded setup, the clients
    allow-listed."""
    server = ensure_server_keys(data_dir)
    console = ensure_client_keys(data_dir, "console")
    simulator = ensure_client_keys(data_dir, "simulator")
    allowed = allowed_clients(server.clients_dir)
    if allowed.get("console") != console[0]:
        allow_client(data_dir, console[0], "console")
    if allowed.get("simulator") != simulator[0]:
        allow_client(data_dir, simulator[0], "simulator")
    gateway = ensure_client_keys(data_dir, "gateway")  # the field gateway (docs/GATEWAY.md)
    entry = client_entries(server.clients_dir).get("gateway")
    if entry is None or entry.key != gateway[0] or not entry.relay:
        allow_client(data_dir, gateway[0], "gateway", relay=True)
    return LocalTrust(server=server, console=console, simulator=simulator)


# --------------------------------------------------------------------------------- sockets

def apply_server_curve(socket: zmq.Socket, keys: ServerKeys) -> None:
    """Make ``socket`` a CURVE server; call before ``bind``."""
    socket.setsockopt(zmq.CURVE_SECRETKEY, keys.secret)
    socket.setsockopt(zmq.CURVE_PUBLICKEY, keys.public)
    socket.setsockopt(zmq.CURVE_SERVER, 1)


def apply_client_curve(socket: zmq.Socket, public: bytes, secret: bytes,
                       server_public: bytes) -> None:
    """Make ``socket`` a CURVE client of the server with ``server_public``; call before
    ``connect``. The handshake fails (and nothing is delivered) if the server's key differs."""
    socket.setsockopt(zmq.CURVE_SERVERKEY, check_public_key(server_public))
    socket.setsockopt(zmq.CURVE_PUBLICKEY, check_public_key(public))
    socket.setsockopt(zmq.CURVE_SECRETKEY, secret)


class AllowListAuthenticator(ThreadAuthenticator):
    """pyzmq's ZAP thread, deciding by an in-memory allow-list (:class:`ClientEntry` by key).

    The list is replaced as a whole by :func:`reload`, so a revocation applies to the next
    handshake at once. ``frame.get("User-Id")`` of a received message is the client's Z85
    public key; :meth:`entry` gives its enrolled name, role and scope, or None once revoked.
    """

    def __init__(self, context: zmq.Context) -> None:
        super().__init__(context)
        self.entries: dict[bytes, ClientEntry] = {}  # Z85 public key -> entry

    def callback(self, domain: str, key: bytes) -> bool:  # the ZAP credentials provider
        return bytes(key) in self.entries

    def entry(self, user_id: str | bytes | None) -> ClientEntry | None:
        if user_id is None:
            return None
        k = user_id.encode("ascii", "replace") if isinstance(user_id, str) else user_id
        return self.entries.get(k)

    def name_of(self, user_id: str | bytes | None) -> str | None:
        e = self.entry(user_id)
        return None if e is None else e.name


def start_authenticator(ctx: zmq.Context, clients_dir: Path,
                        *, allow_addresses: Sequence[str] = ()) -> AllowListAuthenticator:
    """Start the ZAP handler of ``ctx``: only clients in the allow-list may connect.

    By default any IP address may try and the key decides. ``allow_addresses`` turns on an
    additional IP filter (pyzmq then refuses every address not listed, so include
    ``127.0.0.1`` for local clients). Keep the returned object and ``stop()`` it before
    ``ctx.term()``.
    """
    auth = AllowListAuthenticator(ctx)
    auth.start()
    try:
        if allow_addresses:
            auth.allow(*allow_addresses)
        reload(auth, clients_dir)
        auth.configure_curve_callback(domain="*", credentials_provider=auth)
    except BaseException:
        auth.stop()
        raise
    return auth


def reload(authenticator: AllowListAuthenticator, clients_dir: Path) -> int:
    """Re-read the allow-list after clients were enrolled or revoked; returns its size.

    A malformed certificate raises ValueError and leaves the previous allow-list in force.
    """
    entries = client_entries(clients_dir)
    authenticator.entries = {e.key: e for e in entries.values()}
    log.info("CURVE allow-list: %d client(s) from %s", len(entries), clients_dir)
    return len(entries)
