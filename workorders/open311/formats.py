"""XML and JSON as GeoReport v2 writes them. The JSON is the spec's "Spark convention" mapping of the XML:
the root element is dropped, repeated elements become an array, `true`/`false` become booleans and empty
elements become null.

A document is a list of dicts (or one dict, for a service definition). A value is a scalar, None, a
datetime (written in ISO 8601 with the Beijing offset, e.g. 2026-11-23T09:30:00+08:00) or a `Nested`
list of child dicts (`<attributes><attribute>…</attribute></attributes>` ↔ `"attributes": [{…}]`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.text import strip_forbidden
from workorders.worktime import BEIJING

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
FORMATS = ("xml", "json")


@dataclass(frozen=True)
class Nested:
    """A list of child elements: `item` is the tag of each child in XML. A row is a dict of child elements, or
    a scalar (`<formats><format>text/xml</format></formats>` ↔ `"formats": ["text/xml"]`)."""

    item: str
    rows: list[Any]


def w3c_datetime(moment: datetime | None) -> str | None:
    """2026-11-23T09:30:00+08:00: Beijing time with its offset, whole seconds (W3C-DTF, as the spec asks)."""
    if moment is None:
        return None
    return timezone.localtime(moment, BEIJING).replace(microsecond=0).isoformat()


def _scalar_text(value: Any) -> str:
    """The text of an element. Characters XML 1.0 cannot carry are left out (accounts.text refuses them at
    intake; text stored before that rule must still never break a feed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c_datetime(value) or ""
    return strip_forbidden(str(value))


def _json_value(value: Any) -> Any:
    if isinstance(value, Nested):
        return [_json_row(row) if isinstance(row, dict) else _json_value(row) for row in value.rows]
    if isinstance(value, datetime):
        return w3c_datetime(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return strip_forbidden(value)  # the same text as the XML shows
    return value


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in row.items()}


def _xml_fill(parent: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, Nested):
            for item in value.rows:
                if isinstance(item, dict):
                    _xml_fill(ET.SubElement(child, value.item), item)
                else:
                    ET.SubElement(child, value.item).text = _scalar_text(item)
        else:
            child.text = _scalar_text(value)


def to_xml(root: str, item: str | None, body: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """`<root><item>…</item>…</root>` for a list, `<root>…</root>` for one dict (item None)."""
    element = ET.Element(root)
    if isinstance(body, dict):
        _xml_fill(element, body)
    else:
        for row in body:
            _xml_fill(ET.SubElement(element, item), row)
    ET.indent(element)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8") + b"\n"


def to_json(body: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    data = _json_row(body) if isinstance(body, dict) else [_json_row(row) for row in body]
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def render(
    fmt: str, root: str, item: str | None, body: list[dict[str, Any]] | dict[str, Any], status: int = 200
) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(to_json(body), content_type=JSON_CONTENT_TYPE, status=status)
    return HttpResponse(to_xml(root, item, body), content_type=XML_CONTENT_TYPE, status=status)


class Open311Error(Exception):
    """An error as the spec gives it: HTTP 400/403/404 and a body listing {code, description}."""

    def __init__(self, status: int, *descriptions: str) -> None:
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = descriptions

    def response(self, fmt: str) -> HttpResponse:
        rows = [{"code": self.status, "description": d} for d in self.descriptions]
        return render(fmt if fmt in FORMATS else "xml", "errors", "error", rows, status=self.status)


def bad_input_response(request: HttpRequest, field: str | None, message: str) -> HttpResponse:
    """accounts.text.BadInputMiddleware's answer under /open311/: the errors format of the requested format."""
    fmt = "json" if request.path_info.endswith(".json") else "xml"
    return Open311Error(400, f"{field}：{message}" if field else message).response(fmt)


def error_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """accounts.errors' answer under /open311/ (an unknown URL, a 500, the database down): Open311's errors list."""
    fmt = "json" if request.path_info.endswith(".json") else "xml"
    return Open311Error(status, message).response(fmt)
