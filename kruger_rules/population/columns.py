"""A chunk's columns as simulations: one for its organisations and places, one for its procurements.

A population run computes every row of a chunk at once, so a simulation is built from arrays: entities
counted and linked by numpy index arrays, then one ``set_input`` per column. No situation dict, no Python
loop over rows, no id as a Python string.

The populations are made by OpenFisca's ``SimulationBuilder`` (``create_entities``, ``build``), and each
one's count, ids and members are set from arrays, as OpenFisca's own ``build_default_simulation`` sets them.
``declare_person_entity`` and ``join_with_persons`` would do the same through Python lists (of ids, and of
a role object per member) and re-sort the group index the chunk already has: 0.14 s and 0.39 s per million
organisations for each system, more than the rules' own computation. Every member takes its group entity's
first role, which is the role each needs here: a place's member, a procurement's commissioner.

Two simulations, because each entity here needs different groups:

- **organisations**: every organisation of the chunk, each a member of its place (the wards present in the
  chunk, with the ward facts). No procurement: an organisation needs none, and none is made up for it.
- **procurements**: one commissioner per procurement, a copy of the organisation that commissions it (its
  type and every other fact, and its place), so that a procurement's rules read its commissioner as in a
  situation. These copies are never reported as organisations.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from openfisca_core.periods import Period
from openfisca_core.simulation_builder import SimulationBuilder
from openfisca_core.simulations import Simulation

from kruger_rules.population.chunks import Chunk

PLACE, PROCUREMENT = "place", "procurement"
"""The group entities: an organisation's place, and a procurement with its commissioner."""


def simulation(system, counts: Mapping[str, int], members: Mapping[str, np.ndarray], person_ids: np.ndarray) -> Simulation:
    """A simulation of ``counts[entity]`` instances of each entity; each person is in group ``members[group][person]``.

    A group entity absent from ``members`` has no member: none of the computed variables may read it.
    """
    builder = SimulationBuilder()
    builder.create_entities(system)
    for key, population in builder.populations.items():
        population.count = counts.get(key, 0)
        population.ids = person_ids if population.entity.is_person else np.arange(population.count)
        if key in members:
            population.members_entity_id = members[key]
    return builder.build(system)


def set_inputs(simulation: Simulation, period: Period, inputs: Mapping[str, np.ndarray]) -> None:
    """Each column as its variable's input for ``period``."""
    for name, values in inputs.items():
        simulation.set_input(name, period, values)


def organisation_simulation(system, chunk: Chunk, period: Period) -> Simulation:
    """The chunk's organisations, each in its place, with their inputs and the places' facts."""
    organisations, places = chunk.organisations, chunk.places
    person = system.person_entity.key
    built = simulation(system, {person: len(organisations), PLACE: len(places)}, {PLACE: organisations.link}, organisations.ids)
    set_inputs(built, period, organisations.inputs)
    set_inputs(built, period, places.inputs)
    return built


def procurement_simulation(system, chunk: Chunk, period: Period) -> Simulation:
    """The chunk's procurements, each with its commissioner (a copy of the organisation, in its place) as sole member."""
    procurements, places = chunk.procurements, chunk.places
    commissioners = chunk.organisations.take(procurements.link)
    person, count = system.person_entity.key, len(procurements)
    built = simulation(
        system,
        {person: count, PLACE: len(places), PROCUREMENT: count},
        {PLACE: commissioners.link, PROCUREMENT: np.arange(count)},
        commissioners.ids,
    )
    set_inputs(built, period, commissioners.inputs)
    set_inputs(built, period, places.inputs)
    set_inputs(built, period, procurements.inputs)
    return built
