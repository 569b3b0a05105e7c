"""Clustered Hashmap Protocol (ZeroMQ RFC 12) framing of the state feed.

Every CHP message is five frames: key, 8-byte big-endian sequence, UUID (16 bytes or empty),
properties (``name=value`` lines) and body. The snapshot exchange adds ``ICANHAZ?`` (the
request) and ``KTHXBAI`` (the end of a snapshot); the publisher sends ``HUGZ`` as a heartbeat.
Gridline's additions are all carried in properties or in an extra last frame of ``ICANHAZ?``,
so a plain RFC 12 client still reads the feed (see ``docs/PROTOCOL.md``).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ICANHAZ = b"ICANHAZ?"
KTHXBAI = b"KTHXBAI"
HUGZ = b"HUGZ"

_SEQ = struct.Struct(">Q")
SEQ_SIZE = 8
UUID_SIZE = 16
MAX_KEY_BYTES = 255
MAX_TOKEN_BYTES = 128


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


def hugz_frames(seq: int, props: Mapping[str, object]) -> list[bytes]:
    return [HUGZ, _SEQ.pack(seq), b"", encode_props(props), b""]


def kthxbai_frames(seq: int, subtree: str, props: Mapping[str, object]) -> list[bytes]:
    return [KTHXBAI, _SEQ.pack(seq), b"", encode_props(props), subtree.encode()]


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
