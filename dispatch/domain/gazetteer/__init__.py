"""The gazetteer and geocoder (地理编码): named places → point and grid, with type-ahead
search in Chinese, pinyin and initials, typos and house numbers. Pure: no I/O (files:
:mod:`dispatch.adapters.gazetteer_io`; the synthetic one: :mod:`dispatch.services.gazetteer_generator`)."""

from dispatch.domain.gazetteer.geocoder import Geocoder, Result
from dispatch.domain.gazetteer.index import SearchIndex
from dispatch.domain.gazetteer.model import KIND_RANK, Entry, Gazetteer, HouseRange, Kind
from dispatch.domain.gazetteer.numbers import house_point, point_along, split_number
from dispatch.domain.gazetteer.text import keys_of, normalize

__all__ = [
    "KIND_RANK",
    "Entry",
    "Gazetteer",
    "Geocoder",
    "HouseRange",
    "Kind",
    "Result",
    "SearchIndex",
    "house_point",
    "keys_of",
    "normalize",
    "point_along",
    "split_number",
]
