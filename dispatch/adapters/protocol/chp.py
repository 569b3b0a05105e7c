"""Clustered Hashmap Protocol (ZeroMQ RFC 12) framing of the state feed.

Every CHP message is five frames: key, 8-byte big-endian sequence, UUID (16 bytes or empty),
properties (``name=value`` lines) and body. The snapshot exchange adds ``ICANHAZ?`` (the
request) and ``KTHXBAI`` (the end of a snapshot); the publisher sends ``HUGZ`` as a heartbeat.
``HUGZ`` and ``KTHXBAI`` are exactly as RFC 12 writes them. Gridline's additions are the
properties of its updates, two reserved keys per subtree (``<subtree>.status``: the feed's
counters, ``<subtree>.error``: a refused snapshot; JSON bodies) and an optional third frame of
``ICANHAZ?`` (the session token), so a plain RFC 12 client reads the feed (see
``docs/PROTOCOL.md``).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

ICANHAZ = b"ICANHAZ?"
KTHXBAI = b"KTHXBAI"
HUGZ = b"HUGZ"

_SEQ = struct.Struct(">Q")
SEQ_SIZE = 8
UUID_SIZE = 16
MAX_KEY_BYTES = 255
MAX_TOKEN_BYTES = 128

FEED_PROTO = 2  # the feed's version, in every status body (1: counters in HUGZ/KTHXBAI)
STATUS_SUFFIX = ".status"
ERROR_SUFFIX = ".error"
_STATUS_TAIL = b"/" + STATUS_SUFFIX.encode()
_ERROR_TAIL = b"/" + ERROR_SUFFIX.encode()


class ProtocolError(ValueError):
    """A message that does not follow the protocol; the text says what is wrong."""


def pack_seq(seq: int) -> bytes:
    """A sequence number as 8 bytes in network order."""
    return _SEQ.pack(seq)


def unpack_seq(frame: bytes) -> int:
    if len(frame) != SEQ_SIZE:
        raise ProtocolError(f"sequence frame must be {SEQ_SIZE} bytes, got {len(frame)}")
    return int(_SEQ.unpack(frame)[0])


def encode_props(props: Mapping[str, object]) -> bytes:
    """``{"ev": 12, "n": "3,1,1,1,1"}`` → ``b"ev=12\\nn=3,1,1,1,1\\n"`` (RFC 12 format)."""
    return "".join(f"{k}={v}\n" for k, v in props.items()).encode()


def decode_props(frame: bytes) -> dict[str, str]:
    """Inverse of :func:`encode_props`; ProtocolError for a line without ``=``."""
    if not frame:
        return {}
    try:
        text = frame.decode()
    except UnicodeDecodeError:
        raise ProtocolError("properties are not UTF-8") from None
    out: dict[str, str] = {}
    for line in text.split("\n"):
        if not line:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise ProtocolError(f"property line without '=': {line[:40]!r}")
        out[name] = value
    return out


@dataclass(frozen=True, slots=True)
class KVMsg:
    """One CHP key-value message (KVPUB, KVSYNC, KTHXBAI or HUGZ)."""

    key: str
    seq: int
    body: bytes = b""
    uuid: bytes = b""
    props: dict[str, str] = field(default_factory=dict)

    @property
    def is_delete(self) -> bool:
        return not self.body

    def frames(self) -> list[bytes]:
        return [self.key.encode(), pack_seq(self.seq), self.uuid, encode_props(self.props),
                self.body]


def decode_kv(frames: Sequence[bytes]) -> KVMsg:
    """Parse the five frames of a KV message; ProtocolError if they are malformed."""
    if len(frames) != 5:
        raise ProtocolError(f"a CHP message has 5 frames, got {len(frames)}")
    key_b, seq_b, uuid, props_b, body = frames
    if not key_b or len(key_b) > MAX_KEY_BYTES:
        raise ProtocolError(f"key must be 1..{MAX_KEY_BYTES} bytes")
    try:
        key = key_b.decode()
    except UnicodeDecodeError:
        raise ProtocolError("key is not UTF-8") from None
    if uuid and len(uuid) != UUID_SIZE:
        raise ProtocolError(f"uuid must be empty or {UUID_SIZE} bytes, got {len(uuid)}")
    return KVMsg(key=key, seq=unpack_seq(seq_b), body=bytes(body), uuid=bytes(uuid),
                 props=decode_props(props_b))


def update_frames(key: bytes, seq: int, uuid: bytes, props: bytes, body: bytes) -> list[bytes]:
    """The five frames of a KVPUB (or KVSYNC) from pre-encoded parts (the hot path)."""
    return [key, _SEQ.pack(seq), uuid, props, body]


def hugz_frames() -> list[bytes]:
    """RFC 12's heartbeat, exactly: ``HUGZ``, sequence zero, empty UUID, properties, body."""
    return [HUGZ, _SEQ.pack(0), b"", b"", b""]


def kthxbai_frames(seq: int, subtree: str | bytes) -> list[bytes]:
    """The end of a snapshot: ``seq`` is the highest sequence of the KVSYNCs sent (RFC 12)."""
    body = subtree.encode() if isinstance(subtree, str) else subtree
    return [KTHXBAI, _SEQ.pack(seq), b"", b"", body]


# ------------------------------------------------------------------- reserved keys


def status_key(subtree: str) -> str:
    """``/.status`` for the whole city (the empty subtree), ``/320508/.status`` for a
    district: the key of a subtree's status record."""
    return (subtree or "/") + STATUS_SUFFIX


def error_key(subtree: str) -> str:
    """``<subtree>.error`` (``/.error`` for the empty subtree): a refused snapshot."""
    return (subtree or "/") + ERROR_SUFFIX


def is_status_key(key: bytes) -> bool:
    return key.endswith(_STATUS_TAIL)


def is_error_key(key: bytes) -> bool:
    return key.endswith(_ERROR_TAIL)


def is_reserved_key(key: bytes) -> bool:
    """A status or error key (a record's key ends in ``/inc/<id>`` or ``/unit/<id>``)."""
    return key.endswith(_STATUS_TAIL) or key.endswith(_ERROR_TAIL)


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """The body of a ``<subtree>.status`` record: the server run, engine time and speed, the
    state's event sequence and the subtree's update counter (``count``: records in the
    snapshot, only in the snapshot's status record)."""

    run: int
    now: float
    speed: float
    ev: int
    n: int
    count: int | None = None
    proto: int = FEED_PROTO

    def body(self) -> bytes:
        d: dict[str, Any] = {"proto": self.proto, "run": self.run, "now": round(self.now, 3),
                             "speed": self.speed, "ev": self.ev, "n": self.n}
        if self.count is not None:
            d["count"] = self.count
        return orjson.dumps(d)


def decode_status(body: bytes) -> FeedStatus:
    """Parse a status body; ProtocolError if it is not one."""
    try:
        d = orjson.loads(body)
        count = d.get("count")
        return FeedStatus(run=int(d["run"]), now=float(d["now"]), speed=float(d["speed"]),
                          ev=int(d["ev"]), n=int(d["n"]),
                          count=None if count is None else int(count),
                          proto=int(d.get("proto", FEED_PROTO)))
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        raise ProtocolError("malformed status record") from None


def status_frames(subtree: str, seq: int, status: FeedStatus) -> list[bytes]:
    """A status record (KVPUB on the feed, KVSYNC at the end of a snapshot)."""
    return [status_key(subtree).encode(), _SEQ.pack(seq), b"", b"", status.body()]


@dataclass(frozen=True, slots=True)
class FeedError:
    """The body of a ``<subtree>.error`` record."""

    error: str
    message: str
    relogin: bool = False

    def body(self) -> bytes:
        return orjson.dumps({"error": self.error, "message": self.message,
                             "relogin": self.relogin})


def decode_error(body: bytes) -> FeedError:
    """Parse an error body; anything unreadable is an ``invalid`` error all the same."""
    try:
        d = orjson.loads(body)
        return FeedError(str(d["error"]), str(d.get("message", "")), bool(d.get("relogin")))
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        return FeedError("invalid", "malformed error record from the server")


def refusal_frames(subtree: bytes, err: FeedError) -> list[list[bytes]]:
    """The answer to a snapshot request that is refused or malformed: one ``KVSYNC`` of
    ``<subtree>.error`` (``/.error`` when ``subtree`` is not a subtree at all) and a
    ``KTHXBAI``, both with sequence zero. ``subtree`` is echoed as it came, if it fits."""
    echo = subtree if len(subtree) <= MAX_KEY_BYTES else b""
    key = b"/" + ERROR_SUFFIX.encode()
    if len(echo) + len(ERROR_SUFFIX) <= MAX_KEY_BYTES and echo[:1] == b"/" == echo[-1:]:
        try:
            key = error_key(echo.decode()).encode()
        except UnicodeDecodeError:
            echo = b""
    zero = _SEQ.pack(0)
    return [[key, zero, b"", b"", err.body()], [KTHXBAI, zero, b"", b"", echo]]


@dataclass(frozen=True, slots=True)
class SnapshotRequest:
    """``ICANHAZ?`` + subtree (+ Gridline's session token as an optional third frame)."""

    subtree: str
    token: str = ""

    def frames(self) -> list[bytes]:
        out = [ICANHAZ, self.subtree.encode()]
        if self.token:
            out.append(self.token.encode())
        return out


def decode_icanhaz(frames: Sequence[bytes]) -> SnapshotRequest:
    """Parse a snapshot request (without the ROUTER identity frame)."""
    if len(frames) not in (2, 3) or frames[0] != ICANHAZ:
        raise ProtocolError("a snapshot request is 'ICANHAZ?', subtree[, session token]")
    if len(frames[1]) > MAX_KEY_BYTES:
        raise ProtocolError("subtree too long")
    token_b = frames[2] if len(frames) == 3 else b""
    if len(token_b) > MAX_TOKEN_BYTES:
        raise ProtocolError("session token too long")
    try:
        return SnapshotRequest(subtree=bytes(frames[1]).decode(), token=bytes(token_b).decode())
    except UnicodeDecodeError:
        raise ProtocolError("subtree and token must be UTF-8") from None
