"""Read and write a city as GeoJSON (RFC 7946, lon/lat).

File layout
-----------
One ``FeatureCollection``; every feature has a ``kind`` property:

``"region"`` (the default when ``kind`` is absent)
    A Polygon or MultiPolygon with properties ``code``, ``name``, ``level`` (``city``,
    ``district``, ``street``, ``community`` or ``grid``) and ``parent`` (the parent's code;
    null for the city), and optionally ``area_kind`` (``urban`` or ``rural``, default
    ``urban``), ``worker_id`` and ``worker_name`` (the grid worker). The file must hold
    exactly one city; every other region's parent must be in the file, one level up, and its
    code must start with the parent's code (a district with the city's first four digits).
``"unit"``
    A Point (the unit's base) with ``id``, ``department``, ``unit_type``, ``name`` and
    ``home_grid`` (a grid in the file).
``"part"``
    A Point with ``id``, ``part_type``, ``grid`` (a grid in the file), ``owner_department``
    (主管部门), ``state`` (``intact``, ``damaged``, ``missing`` or ``occupied``, default
    ``intact``) and ``attributes`` (an object, default ``{}``); optionally ``owner_unit``
    (所属单位) and ``maintainer`` (养护单位), strings, default empty.

Units and parts are optional: a file of regions only is a valid city. A ``crs`` member is
allowed only if it names CRS84 / EPSG:4326; coordinates must lie within lon −180..180 and
lat −90..90.

Import is all or nothing: :func:`import_geojson` returns a new :class:`City` or raises
:class:`CityImportError` listing every problem found, each naming the feature (its index in
``features`` and its code or i

The parts: :mod:`.export` writes a city; :mod:`.load` reads one (:func:`~.load.import_geojson`,
:func:`~.load.load_geojson`), checking each feature on its own (:mod:`.features`), then the
features together (:mod:`.assemble`: codes, parents, home grids), and reporting everything
wrong at once (:mod:`.problems`).
"""
