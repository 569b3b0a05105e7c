"""The printable incident summary: a console on a real server prints an incident with Chinese
text (its departments, units, timeline with operators, notes) to a PDF whose text reads back
(a CJK font embedded), from the detail panel's action."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import unicodedata
from pathlib import Path
from typing import Any

import pytest

import maps

maps.prepare_environment()

from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_audit_window import consoles  # noqa: E402, F401
from tests.ui.test_widgets_i18n import chinese  # noqa: E402, F401

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.ui


def _incident(consoles: Any) -> tuple[str, str, str]:  # noqa: F811
    """A dispatched incident with a note, made by ``disp``: (id, class code, unit sent)."""
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd

    srv = consoles.server.server
    city, catalogue = srv.engine.city, srv.engine.catalogue
    with CommandClient(consoles.server.endpoints.command) as disp:
        login = disp.login("disp", DEMO_PASSWORDS["disp"], "坐席-03")
        grid = sorted(r.code for r in city.grids() if r.code.startswith(login.scope))[0]
        p = city.regions[grid].geometry.representative_point()
        klass = next(iter(catalogue.minors))
        iid = str(disp.execute(cmd.ReportIncident(
            "hotline", klass, p.x, p.y, "小区门口井盖缺失，存在安全隐患",
            external_ref="12345-0001")).result["incident_id"])
        disp.execute(cmd.RegisterIncident(iid))
        units = disp.query("recommend", incident_id=iid)["units"]
        disp.execute(cmd.AssignUnits(iid, (units[0]["unit_id"],)))
        disp.execute(cmd.AddNote(iid, "已电话联系市民，城管队员前往"))
    return iid, klass, str(units[0]["unit_id"])


def test_print_summary_from_the_detail_panel(consoles: Any, qtbot: Any,  # noqa: F811
                                             tmp_path: Path) -> None:
    lead = consoles("lead")
    iid, klass, unit = _incident(consoles)
    lead.console.language = "zh"  # the summary follows the console's language
    qtbot.waitUntil(lambda: lead.console.incident(iid) is not None, timeout=15_000)
    lead.console.select_incident(iid, "test")
    assert lead.detail.incident_id == iid
    assert lead.detail.print_action.isEnabled()
    printer = lead.summary_printer
    assert printer is not None
    out = tmp_path / f"{iid}.pdf"
    asked: list[str] = []
    printer.ask = asked.append  # the file dialog is not driven here: print_to is
    lead.detail.sig_print_summary.disconnect()
    lead.detail.sig_print_summary.connect(printer.ask)
    lead.detail.print_action.trigger()
    assert asked == [iid]
    lead.command_line.sig_print.disconnect()
    lead.command_line.sig_print.connect(printer.ask)
    lead.command_line.edit.setText("print .")  # the command line's verb
    assert lead.command_line.run() == ""  # nothing sent to the server
    assert asked == [iid, iid]
    with qtbot.waitSignal(printer.sig_printed, timeout=20_000) as sig:
        printer.print_to(iid, out)
    assert sig.args == [iid, str(out)]
    assert f"Summary of {iid} saved to" in lead.statusBar().currentMessage()
    reader = pypdf.PdfReader(str(out))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    # Qt's PDF text map gives some ideographs as their radical look-alikes (生 as ⽣): NFKC
    # folds the Kangxi radicals back; a few of the CJK supplement (门 as ⻔) stay apart
    flat = unicodedata.normalize("NFKC", "".join(text.split()))
    for want in (f"事件摘要{iid}", "井盖缺失", "12345-0001", "12345热线", "已派遣", "公安",
                 "时间线", "已电话联系市", "disp", "操作员", "主办", "生成时间"):
        assert want in flat, want
    # the unit sent (its name from the live board) and the status it brought
    assert f"({unit})" in flat
    assert "状态→已派遣" in flat
    assert "派出" in flat
    class_name = lead.console.catalogue.minors[klass].name_zh
    assert "".join(class_name.split()) in flat
    fonts = {str(f) for page in reader.pages
             for f in (page["/Resources"]["/Font"].values())}
    assert fonts  # fonts embedded: the CJK one has a FontFile
    embedded = [page["/Resources"]["/Font"][k].get_object()["/DescendantFonts"][0]
                .get_object()["/FontDescriptor"].get_object()
                for page in reader.pages for k in page["/Resources"]["/Font"]
                if "/DescendantFonts" in page["/Resources"]["/Font"][k].get_object()]
    assert any(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) and
               "CJK" in str(d["/FontName"]) for d in embedded)


def test_an_unknown_incident_is_a_clear_failure(consoles: Any, qtbot: Any,  # noqa: F811
                                                tmp_path: Path) -> None:
    lead = consoles("lead")
    printer = lead.summary_printer
    with qtbot.waitSignal(printer.sig_failed, timeout=20_000) as sig:
        printer.print_to("E999999", tmp_path / "x.pdf")
    assert sig.args[0] == "E999999"
    assert "E999999" in sig.args[1]
    assert not (tmp_path / "x.pdf").exists()


def test_texts_in_chinese(chinese: Any) -> None:  # noqa: F811
    from PySide6.QtCore import QCoreApplication

    from dispatch.domain.cmdline.printing import PRINT_SUMMARY
    from widgets.command_line import CommandLine

    tr = QCoreApplication.translate
    assert tr("IncidentDetail", "Print summary…") == "打印事件摘要…"
    assert tr("CommandLineHelp", PRINT_SUMMARY) == "将事件的一页摘要打印为 PDF"
    assert "将事件的一页摘要打印为 PDF" in CommandLine.help_html()
    assert tr("SummaryPrinter", "PDF files (*.pdf)") == "PDF 文件 (*.pdf)"
