"""The field gateway: an HTTP (ASGI) service between the outside world — grid workers' and
field units' phones, Open311 GeoReport v2 clients, the 12345 and 110 systems — and the dispatch
server, whose client it is like the simulator (command channel with its own CURVE key and the
``field_gateway`` role, and a state mirror). It never touches the database. docs/GATEWAY.md.

- :mod:`.app`: the application factory (:func:`create_app`);
- :mod:`.link`: the command channel (the gateway's session, the devices' sessions) and the
  mirror's read-only view;
- :mod:`.auth`, :mod:`.api_keys`, :mod:`.ratelimit`: devices, systems, limits;
- :mod:`.media_store`: photos (sniffed, stripped, content-addressed, thumbnails);
- :mod:`.field_api`, :mod:`.open311`, :mod:`.tickets`, :mod:`.media_api`: the endpoints.
"""
