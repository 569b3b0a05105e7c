"""The mirror's fast reads of the feed: whole five-frame CHP messages and the properties of an
update (split from :mod:`dispatch.adapters.client.mirror`)."""

from __future__ import annotations

import struct

import zmq
import zmq.backend

from dispatch.adapters.protocol.chp import decode_props

_raw = zmq.backend.Socket
_NOBLOCK = int(zmq.NOBLOCK)
_SEQ = struct.Struct(">Q")


def recv5(sock: zmq.Socket) -> list[bytes] | None:
    """One five-frame CHP message, or None for a message of another shape (skipped); raises
    zmq.Again when nothing is waiting. ZeroMQ delivers a message whole, so once its first frame
    is here all of it is. The first and last frames come as zmq Frames (whose ``more`` is a
    cheap read; a socket's RCVMORE option costs a microsecond in pyzmq), the three middle
    ones as bytes: together twice as fast as ``recv_multipart``. A shorter message from a
    broken publisher may take frames of the next one with it; the garbled result fails to
    parse or breaks the subtree counter, and the mirror resyncs."""
    recv = _raw.recv
    first = recv(sock, _NOBLOCK, False)
    if not first.more:
        return None
    frames = [first.bytes, recv(sock, _NOBLOCK), recv(sock, _NOBLOCK), recv(sock, _NOBLOCK)]
    last = recv(sock, _NOBLOCK, False)
    if not last.more:
        frames.append(last.bytes)
        return frames
    while recv(sock, _NOBLOCK, False).more:
        pass
    return None


def update_props(props: bytes, depth: int) -> tuple[int, int]:
    """(subtree counter at ``depth``, event sequence) of an update's properties; the server
    writes ``ev=…\\nn=…\\n`` (fast path), anything else goes through the generic parser."""
    if props.startswith(b"ev="):
        ev_line, n_line, rest = props.split(b"\n", 2)
        if n_line.startswith(b"n=") and not rest:
            return int(n_line[2:].split(b",")[depth]), int(ev_line[3:])
    d = decode_props(props)
    return int(d["n"].split(",")[depth]), int(d.get("ev", "0"))
