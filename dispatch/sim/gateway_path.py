"""Part of the simulator's field traffic through the field gateway (docs/GATEWAY.md), so a
demo exercises the real path a phone or a citizen's app takes:

- a share of the grid workers' reports goes to ``POST /api/v1/reports`` with a generated
  photo (Pillow, a few tens of KB), as a grid worker's phone sends it; there are ``phones``
  simulated phones, each logged in on its own (its own token, so the gateway's per-device
  rate limit and its log see each one; ``device_id`` ``sim-phone-<n>``), all with the
  simulator's field operator, and a grid's reports always come from the same phone; the
  report's command id is the idempotency id;
- a share of the citizens' app reports goes to Open311 ``POST /open311/v2/requests.json``
  with the API key (``open311-demo`` in the embedded demo);
- one patrolling grid worker's phone (a login of its own, on the patrol unit) sends its
  position every ``patrol_every_s`` (``POST /api/v1/positions``).

Everything else keeps the direct path (commands on the simulator's channel). When the gateway
cannot be reached or refuses, the report goes the direct path instead (counted as a gateway
failure): the simulator never stops for the gateway.
"""

from __future__ import annotations

import contextlib
import io
import logging
import random
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
from PIL import Image, ImageDraw

from dispatch.sim.reports import Draft

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GatewayOptions:
    """How much of the simulator's traffic goes through the gateway (the sim config's
    ``gateway``; None there: all direct)."""

    url: str
    user: str = "field"  # the grid workers' phones log in as this operator
    password: str = "field-demo"
    report_share: float = 0.5  # of the grid workers' reports
    open311_share: float = 0.5  # of the citizens' app reports
    api_key: str = "open311-demo"
    patrol_every_s: float = 5.0  # wall seconds between the patrol phone's pings; 0 = none
    photo_size: tuple[int, int] = (640, 480)
    timeout_s: float = 10.0
    phones: int = 6  # grid workers' phones, each its own login (the patrol phone besides)

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"the gateway URL must be http(s)://…, got {self.url!r}")
        for name in ("report_share", "open311_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be 0..1")
        if self.patrol_every_s < 0:
            raise ValueError("patrol_every_s must not be negative")
        if not 1 <= self.phones <= 100:
            raise ValueError("phones must be 1..100")


def make_photo(rng: random.Random, size: tuple[int, int], label: str = "") -> bytes:
    """A small JPEG of a street scene made of shapes (different every time)."""
    w, h = size
    sky = tuple(rng.randrange(120, 220) for _ in range(3))
    im = Image.new("RGB", (w, h), sky)
    d = ImageDraw.Draw(im)
    ground = tuple(rng.randrange(60, 140) for _ in range(3))
    d.rectangle([0, h * 2 // 3, w, h], fill=ground)
    for _ in range(rng.randrange(3, 8)):
        x, y = rng.randrange(0, w), rng.randrange(h // 3, h)
        r = rng.randrange(10, max(11, w // 6))
        colour = tuple(rng.randrange(0, 256) for _ in range(3))
        if rng.random() < 0.5:
            d.ellipse([x - r, y - r, x + r, y + r], fill=colour)
        else:
            d.rectangle([x - r, y - r // 2, x + r, y + r // 2], fill=colour)
    if label:
        d.text((8, 8), label, fill=(255, 255, 255))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=70)
    return out.getvalue()


class GatewayTraffic:
    """The simulator's phones and citizen app (see the module docstring)."""

    def __init__(self, options: GatewayOptions, rng: random.Random, *,
                 client: httpx.Client | None = None) -> None:
        self.options = options
        self.rng = rng
        self.http = client or httpx.Client(base_url=options.url.rstrip("/"),
                                           timeout=options.timeout_s)
        self.tokens: dict[str, str] = {}  # device id → its bearer token
        self.patrol_unit = ""
        self.next_patrol = 0.0
        self.counts: Counter[str] = Counter()

    # --------------------------------------------------------------------------- session

    PATROL = "sim-patrol"

    @staticmethod
    def phone_of(grid: str, phones: int) -> str:
        """The device id of the phone a grid's reports come from (the same every run)."""
        return f"sim-phone-{zlib.crc32(grid.encode()) % phones + 1:02d}"

    def _login(self, device_id: str, unit_id: str = "") -> bool:
        o = self.options
        r = self.http.post("/api/v1/login", json={"user": o.user, "password": o.password,
                                                  "unit_id": unit_id, "device_id": device_id})
        if r.status_code != 200:
            log.warning("field gateway %s refused the login of %s (%s)", o.url, device_id,
                        r.text[:200])
            return False
        self.tokens[device_id] = str(r.json()["token"])
        self.counts["logins"] += 1
        return True

    def start(self, patrol_unit: str) -> bool:
        """Log the phones in, each on its own (the patrol phone on ``patrol_unit``); False
        when the gateway does not answer or refuses (the simulator then keeps its direct
        path). A phone that could not log in now tries again when it has a report."""
        o = self.options
        try:
            first = self._login(self.PATROL, patrol_unit)
            if not first:
                return False
            for n in range(1, o.phones + 1):
                self._login(f"sim-phone-{n:02d}")
        except httpx.HTTPError as exc:
            log.warning("field gateway %s not reachable (%s): direct path only", o.url, exc)
            self.close()
            return False
        self.patrol_unit = patrol_unit
        log.info("field gateway %s: %d phones logged in as %s (patrol unit %s)", o.url,
                 len(self.tokens), o.user, patrol_unit or "none")
        return True

    @property
    def token(self) -> str:
        """The patrol phone's token ("" before :meth:`start` or when it failed)."""
        return self.tokens.get(self.PATROL, "")

    def close(self) -> None:
        for device_id in list(self.tokens):
            with contextlib.suppress(httpx.HTTPError):
                self.http.post("/api/v1/logout", headers=self._auth(device_id))
        self.tokens.clear()
        self.http.close()

    def _auth(self, device_id: str = PATROL) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens.get(device_id, '')}"}

    # --------------------------------------------------------------------------- reports

    def takes(self, draft: Draft) -> bool:
        """Whether this report goes through the gateway (by the shares, at random)."""
        if not self.token:
            return False
        if draft.source == "grid_worker":
            return self.rng.random() < self.options.report_share
        if draft.source == "citizen_app":
            return self.rng.random() < self.options.open311_share
        return False

    def send(self, draft: Draft, command_id: str) -> str | None:
        """Send the report; the incident id, or None when it did not go through (the caller
        sends it the direct way)."""
        try:
            if draft.source == "citizen_app":
                iid = self._open311(draft)
            else:
                iid = self._field_report(draft, command_id)
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            log.warning("gateway report failed (%s): sent directly", exc)
            iid = None
        self.counts["failed" if iid is None else draft.source] += 1
        return iid

    def _field_report(self, draft: Draft, command_id: str) -> str | None:
        c = draft.command
        data = {"idempotency_id": command_id, "class_code": c.class_code,
                "description": c.description, "lon": f"{c.lon:.7f}", "lat": f"{c.lat:.7f}"}
        if c.part_id:
            data["part_id"] = c.part_id
        shot = make_photo(self.rng, self.options.photo_size)
        phone = self.phone_of(draft.grid, self.options.phones)
        if phone not in self.tokens and not self._login(phone):
            return None
        r = self.http.post("/api/v1/reports", data=data, headers=self._auth(phone),
                           files=[("photos", ("report.jpg", shot, "image/jpeg"))])
        if r.status_code == 401:  # the session ended (a server restart): log in next time
            self.tokens.pop(phone, None)
        if r.status_code != 201:
            log.warning("gateway refused a report: %s %s", r.status_code, r.text[:200])
            return None
        self.counts["photos"] += len(r.json().get("media", []))
        return str(r.json()["incident_id"])

    def _open311(self, draft: Draft) -> str | None:
        c = draft.command
        data: dict[str, Any] = {"api_key": self.options.api_key,
                                "service_code": c.class_code[:4],
                                "description": c.description, "lat": f"{c.lat:.7f}",
                                "long": f"{c.lon:.7f}"}
        if c.reporter:
            data["last_name"] = c.reporter[:40]
        r = self.http.post("/open311/v2/requests.json", data=data)
        if r.status_code != 201:
            log.warning("Open311 refused a request: %s %s", r.status_code, r.text[:200])
            return None
        return str(r.json()[0]["service_request_id"])

    # ---------------------------------------------------------------------------- patrol

    def patrol_due(self, mono: float) -> bool:
        return bool(self.token and self.patrol_unit and self.options.patrol_every_s > 0
                    and mono >= self.next_patrol)

    def ping(self, mono: float, position: tuple[float, float] | None) -> bool:
        """The patrol phone's position (when it is due and known); True when accepted."""
        self.next_patrol = mono + self.options.patrol_every_s
        if position is None:
            return False
        lon, lat = position
        try:
            r = self.http.post("/api/v1/positions", headers=self._auth(),
                               json={"points": [{"lon": round(lon, 7), "lat": round(lat, 7)}]})
        except httpx.HTTPError as exc:
            log.warning("gateway ping failed (%s)", exc)
            self.counts["pings_failed"] += 1
            return False
        ok = r.status_code == 200
        self.counts["pings" if ok else "pings_failed"] += 1
        return ok
