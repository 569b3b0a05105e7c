"""The command client: JSON requests over a DEALER with the Lazy Pirate pattern.

Each request carries an id; on a timeout the client closes its socket, opens a new one and
sends the *same* request again (same id), so the server applies it once and answers a retry
from its reply cache. After ``retries`` attempts it gives up with :class:`Unavailable`.

Given several servers (a leader and its standbys, ``"tcp://a:5556,tcp://b:5556"``:
:mod:`dispatch.adapters.client.servers`) it sends a retry to the next one, tries each at
least once, and stays on the one that answered. A command whose reply was lost goes to the
new leader with the same id: it knows the ids from the stored events and answers a
duplicate with the original's sequence, never applying it twice.
Errors come back as the typed :class:`~dispatch.domain.errors.DispatchError` of their code.

    client = CommandClient("tcp://127.0.0.1:5556", curve=ClientCurve.local(data_dir))
    client.login("disp", "disp-demo", "ws-01")
    reply = client.execute(AssignUnits("E000012", ("U-police-3",)), expected_version=41)

A client is not thread-safe: one per thread.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import zmq

from dispatch.adapters.client.servers import ServerRing
from dispatch.adapters.protocol.messages import (
    MAX_MESSAGE_BYTES,
    MAX_REPLY_BYTES,
    Reply,
    Request,
    command_args,
    parse_reply,
)
from dispatch.domain.errors import InvalidCommand, Unavailable
from dispatch.domain.hazards import hazard_from_dict
from dispatch.domain.roles import Role
from dispatch.domain.state import DispatchState, Hazard, RunCard
from dispatch.domain.state_wire import decode_state


@dataclass(frozen=True, slots=True)
class ClientCurve:
    """A client's CURVE key pair and the server's public key."""

    public: bytes
    secret: bytes = field(repr=False)
    server_public: bytes

    @classmethod
    def local(cls, data_dir: Path, name: str = "console") -> ClientCurve:
        """Keys of a client on the server's own machine (see ``ensure_local_trust``)."""
        from dispatch.adapters.security.keys import ensure_client_keys, server_public_key

        public, secret = ensure_client_keys(data_dir, name)
        return cls(public, secret, server_public_key(data_dir))

    def apply(self, socket: zmq.Socket) -> None:
        from dispatch.adapters.security.keys import apply_client_curve

        apply_client_curve(socket, self.public, self.secret, self.server_public)


@dataclass(frozen=True, slots=True)
class Login:
    session: str
    operator: str
    role: Role
    scope: str
    subtree: str
    workstation: str
    server_time: float
    time_speed: float
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class AuditRead:
    """Lines of the audit trail as the ``audit`` query gives them (dicts with ``id``, ``ts``,
    ``operator``, ``workstation``, ``action``, ``incident_id``, ``detail``), oldest first;
    ``truncated`` when more matched than were asked for; ``last_id`` pins the set."""

    rows: list[dict[str, Any]]
    truncated: bool
    last_id: int


class CommandClient:
    def __init__(self, endpoint: str | ServerRing, *, ctx: zmq.Context | None = None,
                 curve: ClientCurve | None = None, timeout_s: float = 2.5, retries: int = 3
                 ) -> None:
        if retries < 1 or timeout_s <= 0:
            raise ValueError("retries must be ≥ 1 and timeout_s > 0")
        # one server, or a leader and its standbys (dispatch.adapters.client.servers); a
        # ring may be shared by the clients one after another (a session source's logins)
        self.servers = endpoint if isinstance(endpoint, ServerRing) else ServerRing(endpoint)
        self.ctx = ctx or zmq.Context.instance()
        self.curve = curve
        self.timeout_s = timeout_s
        self.retries = retries
        self.session = ""
        self.login_info: Login | None = None
        self._credentials: tuple[str, str, str] | None = None
        self._sock: zmq.Socket | None = None
        self.reconnects = 0

    # ------------------------------------------------------------------------- socket

    @property
    def endpoint(self) -> str:
        """The server this client is on (of its list)."""
        return self.servers.current

    @property
    def failovers(self) -> int:
        """How many times it moved to another server of its list."""
        return self.servers.failovers

    def _socket(self) -> zmq.Socket:
        if self._sock is None:
            s = self.ctx.socket(zmq.DEALER)
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
            if self.curve is not None:
                self.curve.apply(s)
            s.connect(self.endpoint)
            self._sock = s
        return self._sock

    def _reset(self) -> None:
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None
            self.reconnects += 1

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close(linger=0)
            self._sock = None

    def __enter__(self) -> CommandClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------- requests

    def request(self, rtype: str, args: dict[str, Any] | None = None, *,
                expected_version: int | None = None, command_id: str | None = None,
                raise_errors: bool = True) -> Reply:
        """Send one request (retrying the same id) and return its reply; a refused request
        raises its typed error unless ``raise_errors`` is False."""
        req = Request(id=command_id or uuid.uuid4().hex, type=rtype, session=self.session,
                      expected_version=expected_version, args=args or {})
        reply = self._roundtrip(req)
        if (not reply.ok and reply.relogin and self._credentials is not None
                and rtype != "login"):
            self.login(*self._credentials)
            reply = self._roundtrip(Request(id=req.id, type=rtype, session=self.session,
                                            expected_version=expected_version,
                                            args=req.args))
        return reply.raise_for_error() if raise_errors else reply

    def _roundtrip(self, req: Request) -> Reply:
        payload = req.to_json()
        if len(payload) > MAX_MESSAGE_BYTES:
            raise InvalidCommand(f"request of {len(payload)} bytes is larger than the "
                                 f"{MAX_MESSAGE_BYTES} the server accepts")
        # with a leader and its standbys, each is tried at least once
        for _attempt in range(max(self.retries, len(self.servers))):
            sock = self._socket()
            try:
                sock.send_multipart([b"", payload], zmq.NOBLOCK)
            except zmq.Again:
                self._reset()
                continue
            deadline = time.monotonic() + self.timeout_s
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sock.poll(max(1, int(left * 1000))):
                    break
                frames = sock.recv_multipart()
                try:
                    reply = parse_reply(frames[-1])
                except (ValueError, UnicodeDecodeError):
                    continue
                if reply.id == req.id:
                    return reply
                # a late answer to an earlier request: ignore it
            self._reset()
            self.servers.next()  # a leader and its standbys: the next one may lead now
        where = self.endpoint if len(self.servers) == 1 else \
            "any of " + ", ".join(self.servers.endpoints)
        raise Unavailable(f"no answer from the dispatch server at {where} after "
                          f"{max(self.retries, len(self.servers))} tries of "
                          f"{self.timeout_s:g} s")

    def execute(self, command: Any, *, expected_version: int | None = None,
                command_id: str | None = None) -> Reply:
        """Send a command dataclass (:mod:`dispatch.domain.commands`)."""
        return self.request(type(command).NAME, command_args(command),
                            expected_version=expected_version, command_id=command_id)

    def query(self, rtype: str, **args: Any) -> dict[str, Any]:
        """A query's result (history, recommend, duplicates, whoami, ping, city, geocode,
        basemap…); the compressed parts of ``city`` and ``basemap`` come decoded."""
        result = self.request(rtype, {k: v for k, v in args.items() if v is not None}).result
        if rtype == "city" and "geojson_z" in result:
            result["geojson"] = orjson.loads(zlib.decompress(base64.b64decode(
                result.pop("geojson_z"))))
        if rtype == "basemap" and "entries_z" in result:
            result["entries"] = orjson.loads(zlib.decompress(base64.b64decode(
                result.pop("entries_z"))))
        return result

    def geocode(self, q: str, limit: int = 10) -> list[dict[str, Any]]:
        """Places for ``q``, best first: ``name``, ``kind``, ``lon``, ``lat``, ``grid``,
        ``community``/``street``/``district`` and their ``*_name``s, ``score``… (the
        ``geocode`` query; ``Unavailable`` while the server still builds its index)."""
        return list(self.query("geocode", q=q, limit=limit)["places"])

    def basemap(self) -> list[dict[str, Any]]:
        """What an offline basemap draws: roads (``kind: "road"``, ``name``, ``class``,
        ``line`` of ``[lon, lat]``) and named places (``kind``, ``name``, ``category``,
        ``lon``, ``lat``) of the server's city (the ``basemap`` query)."""
        return list(self.query("basemap")["entries"])

    def run_cards(self) -> list[RunCard]:
        """Every run card (response plan) the server holds (the ``run_cards`` query)."""
        return cards_from_answer(self.query("run_cards"))

    def hazards(self) -> list[Hazard]:
        """The hazards at places in the operator's scope (the ``hazards`` query)."""
        return hazards_from_answer(self.query("hazards"))

    def caller_phones(self, incident_ids: Sequence[str]) -> dict[str, str]:
        """Callers' phone numbers of these incidents (the ``contacts`` query; needs the
        ``contacts`` permission)."""
        return dict(self.query("contacts", incident_ids=list(incident_ids))["phones"])

    def caller_incidents(self, phone: str) -> list[str]:
        """The incidents called in from this number, newest first (the ``contacts``
        query)."""
        return [str(i) for i in self.query("contacts", phone=phone)["incident_ids"]]

    def city_geojson(self, *, assets: bool = False, parts: bool = False) -> dict[str, Any]:
        """The server's city as GeoJSON (regions; with ``assets`` also parts and units, with
        ``parts`` the parts of the operator's region), for
        :func:`dispatch.adapters.geojson_io.load.import_geojson`."""
        args = {"parts": True} if parts else {"assets": assets}
        return dict(self.query("city", **args)["geojson"])

    def state_at(self, *, seq: int | None = None, at: float | str | None = None
                 ) -> DispatchState:
        """The state after event ``seq``, or at the instant ``at`` (epoch seconds or an ISO
        date-time with its UTC offset), limited to the operator's region (the ``state_at``
        query; one of the two)."""
        return decode_state(self.query("state_at", seq=seq, at=at))

    # ------------------------------------------------------------------------ session

    def login(self, user: str, password: str, workstation: str = "") -> Login:
        """Open a session; the credentials are kept to log in again after a server
        restart (sessions live in the server's memory)."""
        r = self.request("login", {"user": user, "password": password,
                                   "workstation": workstation}).result
        self.session = r["session"]
        self._credentials = (user, password, workstation)
        self.login_info = Login(session=r["session"], operator=r["operator"],
                                role=Role(r["role"]), scope=r["scope"], subtree=r["subtree"],
                                workstation=r["workstation"],
                                server_time=float(r["server_time"]),
                                time_speed=float(r["time_speed"]), raw=r)
        return self.login_info

    def logout(self) -> None:
        if self.session:
            self.request("logout", raise_errors=False)
        self.session = ""
        self._credentials = None

    def history(self, **args: Any) -> list[dict[str, Any]]:
        """Every event matching the filters, page after page."""
        out: list[dict[str, Any]] = []
        after = int(args.pop("after_seq", 0))
        while True:
            page = self.query("history", after_seq=after, **args)
            out.extend(page["events"])
            if not page["more"]:
                return out
            after = int(page["next_after_seq"])

    def audit(self, *, max_rows: int | None = None, **args: Any) -> AuditRead:
        """Audit lines matching the filters (``operator``, ``workstation``, ``incident_id``,
        ``action``, ``since_ts``, ``until_ts``), oldest first, page after page; the set is
        pinned at the first page (``to_id``), so lines written meanwhile (this read's own
        ``audit_read`` lines among them) are not included. With ``max_rows`` it stops after
        that many and says ``truncated``. Shift leads and administrators only (``Forbidden``
        otherwise)."""
        rows: list[dict[str, Any]] = []
        after = int(args.pop("after_id", 0))
        to_id = args.pop("to_id", None)
        while True:
            page = self.query("audit", after_id=after, to_id=to_id, **args)
            rows.extend(page["rows"])
            to_id = int(page["last_id"])
            if max_rows is not None and len(rows) >= max_rows:
                truncated = len(rows) > max_rows or bool(page["more"])
                return AuditRead(rows[:max_rows], truncated, to_id)
            if not page["more"]:
                return AuditRead(rows, False, to_id)
            after = int(page["next_after_id"])


class SessionSource:
    """A thread-safe source of a valid session token for a :class:`StateMirror` running in
    another thread: logs in on first use and again after :meth:`invalidate`."""

    def __init__(self, endpoint: str, user: str, password: str, workstation: str = "", *,
                 ctx: zmq.Context | None = None, curve: ClientCurve | None = None,
                 timeout_s: float = 2.5, retries: int = 2) -> None:
        # the server that answered last is asked first next time (a leader and standbys)
        self._args = (ServerRing(endpoint), user, password, workstation)
        self._ctx, self._curve = ctx, curve
        self._timeout, self._retries = timeout_s, retries
        self._lock = threading.Lock()
        self._token = ""
        self.login: Login | None = None
        self.logins = 0  # how many times it logged in (a mirror subscribes again after one)

    def __call__(self) -> str:
        with self._lock:
            if not self._token:
                endpoint, user, password, ws = self._args
                with CommandClient(endpoint, ctx=self._ctx, curve=self._curve,
                                   timeout_s=self._timeout, retries=self._retries) as c:
                    self.login = c.login(user, password, ws)
                self._token = self.login.session
                self.logins += 1
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = ""

    def prefer(self, index: int) -> None:
        """Log in on the server at ``index`` of the list first (the one a mirror found
        leading)."""
        with self._lock:
            ring = self._args[0]
            if 0 <= index < len(ring):
                ring.index = index


def cards_from_answer(result: dict[str, Any]) -> list[RunCard]:
    """The run cards of a ``run_cards`` answer."""
    return [RunCard(str(c["class_code"]), str(c.get("priority") or ""),
                    tuple((str(d), str(t), int(n)) for d, t, n in c["lines"]))
            for c in result.get("cards", [])]


def hazards_from_answer(result: dict[str, Any]) -> list[Hazard]:
    """The hazards of a ``hazards`` answer."""
    return [hazard_from_dict(h) for h in result.get("hazards", [])]
