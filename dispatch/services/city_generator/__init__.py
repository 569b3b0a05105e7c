"""A deterministic synthetic city around Suzhou: regions, grid workers, units and parts.

``generate_city(size, seed, catalogue=...)`` builds a :class:`~dispatch.domain.city.model.City` with
code ``320500`` 苏州市 and real district codes and names (姑苏区 320508, 虎丘区 320505, …).
Street and town names are real where known, communities and workers are invented; street,
community and grid numbers are synthetic.

How the map is made
-------------------
* A square lattice of small cells (about 70 m in the centre) is jittered (every vertex moves
  by up to 20 % of a cell) and stretched radially so cells grow to about 150 m at the edge:
  the centre is dense and urban, the outskirts coarse.
* The city is the blob of cells inside a wobbly outline (with a bite out of the south-west
  where Lake Tai is). Districts grow from seeds placed in the direction of the real district
  (园区 east, 相城 north, 吴江 south, the county-level cities further out; distances are
  compressed so the whole prefecture fits in roughly 25 km). Each district's outline (a
  polygon) is then split into streets, each street into communities, each community into
  grids (about 4 cells, 100–300 m across) by balanced region growing over the cells inside
  it, so every part is connected.
* Every polygon is the union of its cells, and all cells share the same vertex coordinates,
  so children tile their parent exactly: no gaps, no overlaps, shared borders identical.
  Coordinates are rounded to 1e-7 degree (about 1 cm).
* Outer districts (吴江 and the county-level cities) are ``rural``, the rest ``urban``.

The same ``size`` and ``seed`` give byte-for-byte the same city (and the same GeoJSON export):
all randomness comes from one ``numpy`` generator and one ``random.Random`` seeded with
``seed``, and nothing depends on set or hash order.

Sizes: ``demo`` has 2 districts (姑苏区, 苏州工业园区) and about 256 grids, 400 units and
1,000 parts; ``city`` has 10 districts, about 100 streets, 2,000 communities, 8,000 grids,
26,000 units and 39,000 parts, and takes a few seconds.

Units: the requested number is split over the catalogue's unit types by ``fleet_weight``;
a grid-worker type (code ``grid_worker`` or name 网格员) gets at least one unit per grid, and
each grid's first grid-worker unit is its worker (``Region.worker_id`` is that unit's id,
``worker_name`` its name). Without such a type, workers get ids ``W-00001``… Unit ids are
``U-<department>-<n>``, n counting from 1 per department; part ids ``P-<part type>-<n>``.
Units and parts lie inside their grid, never on a border.

The parts, in the order the generator runs them:

* :mod:`.specs` — the city's and its districts' codes and names, and the sizes;
* :mod:`.lattice` — the jittered lattice of cells, the city's footprint on it, and the cells
  inside a polygon;
* :mod:`.partition` — warped cell centres and the region growing that splits cells into
  connected parts;
* :mod:`.district_shape` — one district's polygon split into streets, communities and grids;
* :mod:`.geometry` — every region's polygon as the union of its cells;
* :mod:`.names` — invented people, street and community names;
* :mod:`.assets` — units and parts placed in the grids, and the parts' attributes;
* :mod:`.generate` — :func:`~dispatch.services.city_generator.generate.generate_city`, which
  runs them all.
"""
