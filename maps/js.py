"""Python values written as JavaScript for the map page's ``GL`` calls."""

from __future__ import annotations

import json
from typing import Any

import orjson


def js(value: Any) -> str:
    """A JavaScript expression for a JSON-serialisable value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def js_rows(value: Any) -> str:
    """A JavaScript expression for marker rows or columns already validated (finite numbers,
    strings, numpy arrays): orjson writes the same compact JSON as :func:`js`, several times
    faster."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def js_parsed(value: Any) -> str:
    """Same value, as ``JSON.parse("...")`` (V8 parses big JSON faster than big literals)."""
    return f"JSON.parse({js(js(value))})"


def guarded(script: str) -> str:
    """``script`` with whatever it throws logged to the page's console (the page lives on)."""
    return f"try{{{script}}}catch(e){{console.error('gridline: '+e+'\\n'+e.stack)}}"
