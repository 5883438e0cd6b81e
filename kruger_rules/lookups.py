"""Parameters indexed by an enumeration, looked up once per member rather than once per entity.

OpenFisca answers ``node[enum_array]`` by walking every entity in Python; on a population that is
most of a formula's time. Reading the node once for each member of the enumeration and indexing
that small table with the array's codes gives the same values at numpy speed.
"""

import numpy


def by_kind(node, kinds):
    """``node[kinds]`` for an OpenFisca ``EnumArray``: each entity's value from the node's child named for its kind."""
    table = numpy.array([node[member.name] for member in kinds.possible_values])
    return table[numpy.asarray(kinds)]
