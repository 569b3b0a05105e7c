"""Several dispatch servers behind one client: the leader of a PostgreSQL pair and its
standbys. Only the leader listens (a standby binds nothing until it takes over), so a client
given several addresses tries them in turn: the command client moves on after a request
timed out, the mirror after the feed fell silent, and each stays where it found an answer.

An endpoint argument may list several, comma-separated, in the same order for the command,
snapshot and update endpoints (``tcp://a:5556,tcp://b:5556``); one endpoint is one server,
as before.
"""

from __future__ import annotations

from collections.abc import Sequence


def split_endpoints(endpoints: str | Sequence[str]) -> list[str]:
    """The endpoints of a comma-separated list (or a sequence); ValueError when empty."""
    items = endpoints.split(",") if isinstance(endpoints, str) else list(endpoints)
    out = [e.strip() for e in items if e.strip()]
    if not out:
        raise ValueError(f"no server endpoint in {endpoints!r}")
    return out


def join_endpoints(endpoints: Sequence[str]) -> str:
    return ",".join(endpoints)


def parse_addresses(text: str, default_port: int) -> list[tuple[str, int]]:
    """``HOST[:PORT][,HOST[:PORT]…]`` (``--connect``) as (host, port) pairs; ValueError
    naming the part that is not one. An IPv6 address goes in brackets: ``[::1]:5556``."""
    out: list[tuple[str, int]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if part.startswith("["):
            host, _, rest = part[1:].partition("]")
            port_s = rest[1:] if rest.startswith(":") else ""
        else:
            host, sep, port_s = part.rpartition(":")
            if not sep:
                host, port_s = part, ""
        try:
            port = int(port_s) if port_s else default_port
        except ValueError:
            raise ValueError(f"{part!r} is not HOST[:PORT]") from None
        if not host or not 0 < port < 65536:
            raise ValueError(f"{part!r} is not HOST[:PORT]")
        out.append((host, port))
    if not out:
        raise ValueError("no server address given")
    return out


class ServerRing:
    """Which of several servers a client is on; :meth:`next` moves to the following one
    (``failovers`` counts the moves)."""

    def __init__(self, endpoints: str | Sequence[str]) -> None:
        self.endpoints = split_endpoints(endpoints)
        self.index = 0
        self.failovers = 0

    def __len__(self) -> int:
        return len(self.endpoints)

    @property
    def current(self) -> str:
        return self.endpoints[self.index]

    def next(self) -> bool:
        """Move to the next server; False (and nothing moved) when there is only one."""
        if len(self.endpoints) < 2:
            return False
        self.index = (self.index + 1) % len(self.endpoints)
        self.failovers += 1
        return True


class FeedServers(ServerRing):
    """The snapshot endpoints of several servers (the ring) and their update endpoints, in
    the same order."""

    def __init__(self, snapshot: str | Sequence[str], update: str | Sequence[str]) -> None:
        super().__init__(snapshot)
        self.updates = split_endpoints(update)
        if len(self.updates) != len(self.endpoints):
            raise ValueError("as many update endpoints as snapshot endpoints are needed")

    @property
    def update(self) -> str:
        return self.updates[self.index]
