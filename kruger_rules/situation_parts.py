"""The part of a situation that one instance's criteria can depend on, built as a case of its own.

Values are tried in copies of a situation, one copy per try; copying only the part an instance's
criteria can read keeps each round's simulation small however many organisations the situation
holds. An organisation whose criteria read no group's members needs itself and its groups alone;
otherwise every instance connected to it through groups is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kruger_rules.dependencies import dependencies, direct_reads
from kruger_rules.entities import REQUIRED_ROLES, roles_by_key
from kruger_rules.situations import Case, build_case


@dataclass(frozen=True)
class Reads:
    """The entities some criteria read, and whether a group's value among them reads its members'."""

    entities: frozenset[str]
    members_read: bool


@dataclass(frozen=True)
class Part:
    """A part of a situation as a case, with the inputs it holds: (variable, period, array)."""

    case: Case
    given: tuple[tuple, ...]


class SituationParts:
    """The parts of one situation, each built once."""

    def __init__(self, system, situation: dict, period) -> None:
        self.system = system
        self.situation = situation
        self.period = period
        self.person = system.person_entity
        self.entities = {entity.key: entity for entity in system.entities}
        self.role_keys = {group.key: set(roles_by_key(group)) for group in system.group_entities}
        self.memberships = self._memberships()
        self._parts: dict[tuple[str, str, Reads], Part] = {}

    def _memberships(self) -> dict[str, dict[str, str]]:
        """For each group entity, each declared member's group id."""
        found: dict[str, dict[str, str]] = {}
        for group in self.system.group_entities:
            joined = found.setdefault(group.key, {})
            for gid, facts in self.situation.get(group.plural, {}).items():
                for key, members in facts.items():
                    if key in self.role_keys[group.key]:
                        for member in [members] if isinstance(members, str) else members:
                            joined[member] = gid
        return found

    def reads(self, criteria: list[tuple[str, bool]]) -> Reads:
        """What some criteria (variable, expected value) read."""
        entities: set[str] = set()
        members_read = False
        for criterion, _ in criteria:
            found = dependencies(self.system, criterion, self.period)
            names = (criterion, *found.computed, *found.inputs)
            entities |= {self.system.variables[name].entity.key for name in names}
            for name in (criterion, *found.computed):
                if not self.system.variables[name].entity.is_person:
                    read, _ = direct_reads(self.system, name, self.period)
                    members_read |= any(self.system.variables[other].entity.is_person for other in read)
        return Reads(frozenset(entities), members_read)

    def part(self, entity: str, iid: str, reads: Reads) -> Part:
        """The part of the situation that criteria of one instance reading ``reads`` depend on."""
        key = (entity, iid, reads)
        if key not in self._parts:
            if entity == self.person.key and not reads.members_read:
                chosen, roles = self._own_groups(iid, reads.entities)
            else:
                chosen, roles = self._connected(entity, iid), {}
            situation = {}
            for kind, ids in chosen.items():
                plural = self.entities[kind].plural
                given = self.situation.get(plural, {})
                role_keys = self.role_keys.get(kind, set())
                situation[plural] = {cid: _without_requests(given[cid], role_keys, roles.get(kind)) for cid in given if cid in ids}
            case = build_case(self.system, situation, str(self.period))
            inputs = tuple(
                (name, period, case.simulation.get_array(name, period))
                for name in self.system.variables
                for period in case.simulation.get_known_periods(name)
            )
            self._parts[key] = Part(case, inputs)
        return self._parts[key]

    def _connected(self, entity: str, iid: str) -> dict[str, set[str]]:
        """Every instance connected to one instance through groups, by entity."""
        persons: set[str] = set()
        groups: dict[str, set[str]] = {group.key: set() for group in self.system.group_entities}
        pending = [(entity, iid)]
        while pending:
            kind, current = pending.pop()
            if kind == self.person.key:
                if current in persons:
                    continue
                persons.add(current)
                pending += [(group, joined[current]) for group, joined in self.memberships.items() if current in joined]
            elif current not in groups[kind]:
                groups[kind].add(current)
                pending += [(self.person.key, member) for member, gid in self.memberships[kind].items() if gid == current]
        return {self.person.key: persons, **groups}

    def _own_groups(self, pid: str, entities: frozenset[str]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """An organisation and the groups it is in that the criteria read, with it as their only member.

        A group that must have a member in a role the organisation does not hold keeps its
        members (their own other groups are left out).
        """
        persons = {pid}
        chosen: dict[str, set[str]] = {self.person.key: persons}
        roles: dict[str, set[str]] = {}
        for group in self.system.group_entities:
            gid = self.memberships[group.key].get(pid)
            chosen[group.key] = set()
            if gid is None or group.key not in entities:
                continue
            chosen[group.key].add(gid)
            members = {member for member, joined in self.memberships[group.key].items() if joined == gid}
            keeps_roles = all(self._holds(group, gid, pid, required) for required in REQUIRED_ROLES.get(group.key, ()))
            if keeps_roles:
                roles[group.key] = {pid}
            else:
                persons |= members
        return chosen, roles

    def _holds(self, group, gid: str, pid: str, role_key: str) -> bool:
        """Whether a member holds a role in a declared group."""
        role = next(role for role in group.roles if role.key == role_key)
        facts = self.situation[group.plural][gid]
        for key in (role.key, role.plural):
            members = facts.get(key) if key else None
            if members == pid or (isinstance(members, list) and pid in members):
                return True
        return False


def _without_requests(facts: dict, role_keys: set[str], members: set[str] | None) -> dict:
    """An instance's facts without the values it asks for (null), its roles kept to ``members`` if given."""
    kept: dict[str, Any] = {}
    for key, value in facts.items():
        if key in role_keys and members is not None:
            kept[key] = [member for member in ([value] if isinstance(value, str) else value) if member in members]
            continue
        if isinstance(value, dict):
            by_period = {period: given for period, given in value.items() if given is not None}
            if by_period:
                kept[key] = by_period
        elif value is not None:
            kept[key] = value
    return kept
