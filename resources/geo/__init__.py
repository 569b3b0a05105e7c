"""Real district outlines (WGS84); built by ``tools/outlines.py``, read by
:mod:`dispatch.adapters.district_outlines`."""
