"""The shift report PDF shows the photos of the incidents it lists (thumbnails read from the
media directory), and names a photo whose file is missing instead of leaving it out."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from PIL import Image

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.gateway.media_store import MediaStore
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.services.replay import Replayer
from dispatch.services.report.names import names_for
from dispatch.services.report.pdf import write_pdf
from tests.domain.helpers import DISPATCHER, grid_point
from tests.domain.test_report import pdf_text


def _photo(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buf, "JPEG")
    return buf.getvalue()


def _escalated_with_photos(tmp_path: Path, catalogue: Any, demo_city: Any, clock: Any
                           ) -> tuple[EventStore, str]:
    store = EventStore(f"sqlite:///{tmp_path / 'events.sqlite'}")
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    media = MediaStore(tmp_path / "media")
    lon, lat, _ = grid_point(engine, 4)
    out = engine.execute(cmd.ReportIncident(source="grid_worker",
                                            class_code=next(iter(catalogue.minors)),
                                            lon=lon, lat=lat, description="井盖破损"), DISPATCHER)
    iid = str(out.events[0].incident_id)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    for colour, kind in (("red", "report"), ("blue", "before")):
        clock.advance(30)
        info = media.save(media.prepare(_photo(colour)))
        engine.execute(cmd.AttachMedia(iid, info.media_id, kind, info.sha256, info.content_type,
                                       info.size, info.width, info.height), DISPATCHER)
    clock.advance(30)
    engine.execute(cmd.Escalate(iid, "community", "需要社区协调"), DISPATCHER)
    # a second, escalated too, without photos: no photo row for it
    out = engine.execute(cmd.ReportIncident(source="hotline",
                                            class_code=next(iter(catalogue.minors)),
                                            lon=lon, lat=lat, description="无照片"), DISPATCHER)
    other = str(out.events[0].incident_id)
    engine.execute(cmd.RegisterIncident(other), DISPATCHER)
    engine.execute(cmd.Escalate(other, "community", "需要社区协调"), DISPATCHER)
    return store, iid


def test_pdf_shows_the_listed_incidents_photos(tmp_path: Path, catalogue: Any, demo_city: Any,
                                               clock: Any) -> None:
    store, iid = _escalated_with_photos(tmp_path, catalogue, demo_city, clock)
    try:
        r = Replayer.from_store(store)
        r.prepare()
        rep = r.shift_report()
        assert [s.incident_id for s in rep.escalated if s.media] == [iid]
        names = names_for(catalogue, demo_city, "zh")
        data = write_pdf(rep, tmp_path / "shift.pdf", names,
                         media_dir=tmp_path / "media").read_bytes()
        text = pdf_text(data)
        assert "现场照片" in text
        assert "上报 ·" in text
        assert "处置前 ·" in text
        assert len(re.findall(rb"/Subtype\s*/Image", data)) == 2  # the two thumbnails
        assert "照片不可用" not in text

        # the files not there: named as not available, no image
        data = write_pdf(rep, tmp_path / "none.pdf", names,
                         media_dir=tmp_path / "nowhere").read_bytes()
        assert re.search(rb"/Subtype\s*/Image", data) is None
        assert pdf_text(data).count("照片不可用") == 2
    finally:
        store.close()
