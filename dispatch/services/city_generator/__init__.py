"""A deterministic city on Suzhou's real district outlines: regions, grid workers, units and
parts.

``generate_city(size, seed, catalogue=..., outlines=...)`` builds a
:class:`~dispatch.domain.city.model.City` with code ``320500`` 苏州市 and real district codes,
names and outlines (姑苏区 320508, 虎丘区 320505, …; the outlines come from
:func:`dispatch.adapters.district_outlines.suzhou_outlines`). Street and town names are real
where known, communities and workers are invented; street, community and grid numbers and
borders are synthetic.

How the map is made
-------------------
* Each district's outline is real (Amap's, converted to WGS84). The district gets its share
  of the size's cells by its ``weight`` and its own square lattice with cells of
  ``sqrt(area / cells)``: the old town (姑苏, about 80 km²) gets cells of about 150 m, the
  large rural districts cells of 500–800 m. Every lattice vertex is jittered by up to 20 % of
  a cell. Lake Tai lies inside 吴中区's outline (the source has no water mask) and is
  gridded like land.
* Cells well inside the outline stay whole; the cells its border crosses are cut to it
  (:mod:`.mesh`): their edges and all the outlines are noded together once, so every cut
  cell shares its border vertex for vertex with its neighbours, in its district and across
  the district border.
* Each district's cells are split into streets, each street into communities, each
  community into grids (about 4 cells) by balanced region growing over neighbouring cells,
  so every part is connected; a district whose outline has several pieces (虎丘区) is split
  piece by piece. Sizes count cells by area (a cut cell counts as the share it keeps).
* Every polygon is the union of its cells, so children tile their parent exactly: no gaps,
  no overlaps, shared borders identical; a district is its real outline (to the 1e-7 degree
  snap of the cut). Coordinates are rounded to 1e-7 degree (about 1 cm).
* 吴江 and the county-level cities are ``rural``, the rest ``urban``.

The same ``size``, ``seed`` and outlines give byte-for-byte the same city (and the same
GeoJSON export): all randomness comes from one ``numpy`` generator and one
``random.Random`` seeded with ``seed``, and nothing depends on set or hash order.

Sizes: ``demo`` has 2 districts (姑苏区, 虎丘区) and about 256 grids (0.7 km² in 姑苏,
3 km² in 虎丘), 400 units and 1,000 parts; ``city`` has the 9 districts and county-level
cities with an outline of their own (苏州工业园区 has none), about 100 streets, 2,000
communities, 8,000 grids (0.1 km² in 姑苏, 0.4–0.5 km² in 虎丘 and 相城, 1–2.5 km² in the
rest), 26,000 units and 39,000 parts, and takes a few seconds.

Units: the requested number is split over the catalogue's unit types by ``fleet_weight``;
a grid-worker type (code ``grid_worker`` or name 网格员) gets at least one unit per grid, and
each grid's first grid-worker unit is its worker (``Region.worker_id`` is that unit's id,
``worker_name`` its name). Without such a type, workers get ids ``W-00001``… Unit ids are
``U-<department>-<n>``, n counting from 1 per department; part ids ``P-<part type>-<n>``.
Units and parts lie inside their grid, never on a border.

The parts, in the order the generator runs them:

* :mod:`.specs` — the city's and its districts' codes, names and weights, and the sizes;
* :mod:`.lattice` — one district's jittered lattice of cells;
* :mod:`.mesh` — every district's cells cut to its outline, and which cells are neighbours;
* :mod:`.partition` — warped cell centres and the region growing that splits cells into
  connected parts;
* :mod:`.district_shape` — one district's cells split into streets, communities and grids;
* :mod:`.geometry` — every region's polygon as the union of its cells;
* :mod:`.names` — invented people, street and community names;
* :mod:`.assets` — units and parts placed in the grids, and the parts' attributes;
* :mod:`.generate` — :func:`~dispatch.services.city_generator.generate.generate_city`, which
  runs them all.
"""
