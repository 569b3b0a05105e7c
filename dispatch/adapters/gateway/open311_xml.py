"""GeoReport v2's XML format: the same answers as the JSON ones, as the specification writes
them (``text/xml; charset=utf-8``, an XML declaration, no namespace): a list is a root element
with one child per item (``<services><service>``, ``<service_requests><request>``,
``<errors><error>``), an object's fields are child elements in the order of the JSON object,
``null`` an empty element (``<account_id/>``), ``true``/``false`` as words, a nested list
(a service definition's ``attributes``) an element holding one element per item."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from fastapi.responses import Response

XML_TYPE = "text/xml; charset=utf-8"
ITEMS = {"services": "service", "service_requests": "request", "errors": "error",
         "attributes": "attribute", "values": "value"}
"""The element of one item of each list element (the specification's names)."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ET.Element, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        el = ET.SubElement(parent, name)
        if isinstance(value, list):
            item = ITEMS.get(name, "item")
            for v in value:
                _fill(ET.SubElement(el, item), v)
        elif isinstance(value, dict):
            _fill(el, value)
        else:
            el.text = _text(value)


def document(root: str, body: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """The XML document of a JSON answer: ``root`` holds the items of a list (each named by
    :data:`ITEMS`) or the fields of one object."""
    top = ET.Element(root)
    if isinstance(body, list):
        for item in body:
            _fill(ET.SubElement(top, ITEMS[root]), item)
    else:
        _fill(top, body)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode"
                                                                     ).encode("utf-8")


def xml_response(root: str, body: list[dict[str, Any]] | dict[str, Any], *,
                 status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(document(root, body), status_code=status_code, media_type=XML_TYPE,
                    headers=headers)
