"""Open a dispatch engine on a store: on a new database, generate or import the city, store it
with its gazetteer and register its units; on an existing one, load the city and rebuild the
state (the stored city and gazetteer stay as they are)."""

from __future__ import annotations

from collections.abc import Callable

from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.adapters.geojson_io.export import export_geojson
from dispatch.adapters.geojson_io.load import import_geojson
from dispatch.adapters.run_cards_file import read_run_cards
from dispatch.adapters.store.event_store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.locator import Locator
from dispatch.domain.city.model import City
from dispatch.domain.gazetteer import Gazetteer
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import card_key
from dispatch.services.city_generator.generate import generate_city
from dispatch.services.engine import DispatchEngine
from dispatch.services.gazetteer_generator import generate_gazetteer
from dispatch.services.hazard_seeds import seed_hazards

BOOTSTRAP_ACTOR = Actor(operator="bootstrap", role=Role.ADMIN, workstation="server")


def register_units(engine: DispatchEngine, city: City, *, now: float | None = None) -> int:
    """Register every unit of the city that the state does not know yet; returns how many."""
    n = 0
    for u in city.units.values():
        if u.id in engine.state.units:
            continue
        engine.execute(cmd.RegisterUnit(u.id, u.department, u.unit_type, u.name, u.home_grid,
                                        u.lon, u.lat), BOOTSTRAP_ACTOR, now=now, commit=False)
        n += 1
        if n % 5000 == 0:
            engine.commit()
    engine.commit()
    return n


def seed_run_cards(engine: DispatchEngine, *, now: float | None = None) -> int:
    """Set the shipped default run cards that the state has no card for; returns how many."""
    n = 0
    for c in read_run_cards():
        if card_key(c.class_code, c.priority) in engine.state.run_cards:
            continue
        engine.execute(c, BOOTSTRAP_ACTOR, now=now, commit=False)
        n += 1
    engine.commit()
    return n


def seed_city_hazards(engine: DispatchEngine, gazetteer: Gazetteer, *,
                      now: float | None = None) -> int:
    """Set the starting hazards (:mod:`dispatch.services.hazard_seeds`) the state has no hazard
    of that id for; returns how many."""
    n = 0
    for c in seed_hazards(gazetteer):
        if c.hazard_id in engine.state.hazards:
            continue
        engine.execute(c, BOOTSTRAP_ACTOR, now=now, commit=False)
        n += 1
    engine.commit()
    return n


def store_gazetteer(store: EventStore, city: City, seed: int,
                    gazetteer: Gazetteer | None = None, source: str = "") -> Gazetteer:
    """Store ``gazetteer`` (else the one generated from ``city`` and ``seed``) as the city's,
    in place of any before; returns it."""
    if gazetteer is None:
        gazetteer = generate_gazetteer(city, seed)
        source = source or f"generated from city {city.code}, seed {seed}"
    store.save_gazetteer(city.code, gazetteer, source or "given at bootstrap")
    return gazetteer


def open_engine(store: EventStore | None, *, catalogue: Catalogue | None = None,
                city: City | None = None, size: str = "demo", seed: int = 1,
                clock: Callable[[], float] | None = None,
                snapshot_every: int = 20_000,
                background_snapshots: bool = False,
                gazetteer: Gazetteer | None = None) -> DispatchEngine:
    """An engine with a city and its units, persisted in ``store`` when one is given. A new
    store also gets the city's gazetteer: ``gazetteer``, else the one generated from the city
    with ``seed`` (:func:`store_gazetteer`)."""
    catalogue = catalogue or default_catalogue()
    stored = store.load_city_geojson() if store is not None else None
    places: Gazetteer | None = None
    if stored is not None:
        city = import_geojson(stored)
    else:
        if city is None:
            city = generate_city(size, seed=seed, catalogue=catalogue,
                                 outlines=suzhou_outlines())
        if store is not None:
            store.save_city(city.code, city.name, export_geojson(city))
            places = store_gazetteer(store, city, seed, gazetteer)
    locator = Locator(city)
    kwargs = {"clock": clock} if clock is not None else {}
    engine = DispatchEngine(catalogue, city, locate=locator.locate, store=store,
                            snapshot_every=snapshot_every,
                            background_snapshots=background_snapshots, **kwargs)  # type: ignore[arg-type]
    if stored is None:
        register_units(engine, city)
        seed_run_cards(engine)
        if places is not None:  # a new store: the hazards near its gazetteer's places
            seed_city_hazards(engine, places)
    return engine
