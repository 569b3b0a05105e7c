"""Wire formats of the dispatch service: the state feed (RFC 12 CHP framing) and the JSON
command channel. Pure functions over bytes; no sockets here (see ``docs/PROTOCOL.md``)."""
