"""The gateway's parts in one object (:class:`Gateway`), and what every endpoint shares:
authenticating devices and systems, rate limits, sending commands and reading the view."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq

from dispatch.adapters.client.commands import ClientCurve
from dispatch.adapters.gateway.api_keys import ApiKey, ApiKeyStore
from dispatch.adapters.gateway.auth import Device, DeviceSessions
from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.link import Endpoints, MirrorView, ServerLink, View, ok_or_raise
from dispatch.adapters.gateway.media_store import MediaLimits, MediaStore, PreparedMedia
from dispatch.adapters.gateway.ratelimit import Rate, RateLimiter
from dispatch.adapters.gateway.region_map import RegionMap
from dispatch.adapters.protocol.messages import command_args
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue

log = logging.getLogger("gridline.gateway")
_IDEMPOTENCY = re.compile(r"[A-Za-z0-9._:-]{8,64}")


DEVICE_RATE = Rate(5.0, 30.0)  # per device token: 5 requests a second, bursts of 30
KEY_RATE = Rate(20.0, 100.0)  # per API key
LOGIN_RATE = Rate(10 / 60, 10.0)  # logins per client address: 10 a minute


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    endpoints: Endpoints
    data_dir: Path
    user: str = "field"
    password: str = ""
    workstation: str = "gateway"
    curve: ClientCurve | None = None
    media: MediaLimits = field(default_factory=MediaLimits)
    max_body_bytes: int = 32 * 1024 * 1024
    max_photos: int = 6
    device_rate: Rate = DEVICE_RATE
    key_rate: Rate = KEY_RATE
    login_rate: Rate = LOGIN_RATE
    device_idle_ttl_s: float = 12 * 3600.0
    timeout_s: float = 2.5
    retries: int = 2
    hugz_interval_s: float = 1.0
    demo_key: bool = False  # issue the embedded demo's Open311 key "open311-demo"
    public_url: str = ""  # how clients reach the gateway (media URLs); "" = as asked


DEMO_OPEN311_KEY = "open311-demo"


def command_id(*parts: str) -> str:
    """A command id derived from a client's idempotency id (and what it is for), so that a
    resend carries the same id and the server applies it once."""
    return "gw-" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:40]


def idempotency_id(value: object) -> str:
    if not isinstance(value, str) or not _IDEMPOTENCY.fullmatch(value):
        raise ApiError("invalid", "idempotency_id must be 8 to 64 letters, digits or . _ : - "
                                  "(made by the client, e.g. a UUID, the same on every resend)")
    return value


class Gateway:
    def __init__(self, config: GatewayConfig, catalogue: Catalogue, *,
                 ctx: zmq.Context | None = None) -> None:
        self.config = config
        self.catalogue = catalogue
        self.link = ServerLink(config.endpoints, user=config.user, password=config.password,
                               workstation=config.workstation, curve=config.curve, ctx=ctx,
                               timeout_s=config.timeout_s, retries=config.retries)
        self.mirror = MirrorView(config.endpoints, self.link.gateway, curve=config.curve,
                                 ctx=ctx, hugz_interval_s=config.hugz_interval_s)
        self.devices = DeviceSessions(config.data_dir / "gateway",
                                      idle_ttl_s=config.device_idle_ttl_s)
        self.keys = ApiKeyStore(config.data_dir)
        self.media = MediaStore(config.data_dir / "media", config.media)
        self.device_limit = RateLimiter(config.device_rate, what="device")
        self.key_limit = RateLimiter(config.key_rate, what="API key")
        self.login_limit = RateLimiter(config.login_rate, what="address (logins)")
        self.region_map = RegionMap(lambda: ok_or_raise(self.link.as_gateway("city")))
        if config.demo_key:
            self.keys.ensure(DEMO_OPEN311_KEY, ("open311",), "citizen_app", DEMO_OPEN311_KEY)

    def start(self) -> None:
        self.mirror.start()

    def stop(self) -> None:
        self.devices.flush()
        self.mirror.stop()
        self.link.close()

    @property
    def view(self) -> View:
        return self.mirror.view

    # ------------------------------------------------------------------ who asks

    def device(self, token: str) -> Device:
        dev = self.devices.get(token)
        self.device_limit.take(dev.key)
        return dev

    def api_key(self, key: str | None, scope: str) -> ApiKey:
        if not key:
            raise ApiError("unauthorized", "an API key is needed (X-API-Key header or api_key "
                                           "parameter)")
        found = self.keys.find(key)
        if found is None:
            raise ApiError("forbidden", "unknown or revoked API key")
        if scope not in found.scopes:
            raise ApiError("forbidden", f"API key {found.name} may not use {scope}")
        self.key_limit.take(found.name)
        return found

    # ------------------------------------------------------------------ commands

    def send(self, command: Any, *, device: Device | None, cid: str) -> tuple[dict[str, Any], int]:
        """Send a command as the device's operator (or as the gateway); its result and event
        sequence, or the refusal as an ApiError. A device whose server session ended is
        logged out of the gateway too."""
        name = type(command).NAME
        args = command_args(command)
        if device is None:
            reply = self.link.as_gateway(name, args, command_id=cid)
        else:
            reply = self.link.call(device.session, name, args, command_id=cid)
            if not reply.ok and reply.relogin:
                self.devices.drop_key(device.key)
        return ok_or_raise(reply), reply.seq

    def query(self, rtype: str, args: dict[str, Any], device: Device | None) -> dict[str, Any]:
        if device is None:
            return ok_or_raise(self.link.as_gateway(rtype, args))
        reply = self.link.call(device.session, rtype, args)
        if not reply.ok and reply.relogin:
            self.devices.drop_key(device.key)
        return ok_or_raise(reply)

    def geocode(self, address: str, device: Device | None) -> tuple[float, float]:
        """The position of the best place for an address (the server's ``geocode``)."""
        address = address.strip()
        if not address or len(address) > 100:
            raise ApiError("invalid", "address must be 1 to 100 characters")
        places = self.query("geocode", {"q": address, "limit": 1}, device).get("places") or []
        if not places:
            raise ApiError("invalid", f"no place in the city matches the address {address!r}")
        return float(places[0]["lon"]), float(places[0]["lat"])

    def with_photos(self, make: Callable[[tuple[cmd.MediaRow, ...]], Any],
                    photos: Sequence[tuple[str, PreparedMedia]], *, device: Device | None,
                    cid: str) -> tuple[dict[str, Any], int]:
        """A command carrying its photos (``report`` or ``field_step`` with ``media``, made by
        ``make`` from the photo references): the photos are stored first (an event never
        names a missing file), the server appends the command's events and all its photos or
        nothing; on a refusal the photos stored for it alone are removed again."""
        rows: list[cmd.MediaRow] = []
        new: list[str] = []
        for kind, photo in photos:
            i = photo.info
            if self.media.info(i.media_id) is None:
                new.append(i.media_id)
            self.media.save(photo)
            rows.append((kind, i.media_id, i.sha256, i.content_type, i.size, i.width,
                         i.height, i.taken_at, i.lon, i.lat))
        try:
            return self.send(make(tuple(rows)), device=device, cid=cid)
        except ApiError as err:
            if err.code != "unavailable":  # a lost answer may hide an accepted command
                for media_id in dict.fromkeys(new):
                    if not self._referenced(media_id):
                        self.media.discard(media_id)
            raise

    def _referenced(self, media_id: str) -> bool:
        return any(m.media_id == media_id for i in self.view.incidents.values() for m in i.media)
