"""Clients of the dispatch server (no Qt): the Lazy-Pirate :class:`CommandClient` and the
RFC 12 :class:`StateMirror`. Both are meant for one worker thread each."""

from dispatch.adapters.client.commands import ClientCurve, CommandClient, Login, SessionSource
from dispatch.adapters.client.mirror import Changes, MirrorInfo, MirrorStatus, StateMirror

__all__ = ["Changes", "ClientCurve", "CommandClient", "Login", "MirrorInfo", "MirrorStatus",
           "SessionSource", "StateMirror"]
