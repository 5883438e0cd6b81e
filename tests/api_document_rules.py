"""The rules of a request that the OpenAPI document states in words, since no JSON Schema can state them.

A JSON Schema cannot say that one part of a request names another: that a group lists
organisations the situation declares, each in one group of a kind, or that ``?reform=NAME`` and
the body's reform name the same reform. The document says so in its descriptions; this
schemathesis hook makes every request generated from the document keep those rules too, so
that a request the document allows is one the API accepts (the check positive_data_acceptance).
It is registered for every schema once imported (tests/conftest.py imports it).
"""

from __future__ import annotations

from typing import Any

import schemathesis

from kruger_rules.entities import REQUIRED_ROLES
from kruger_rules.system import shared_system


@schemathesis.hook
def map_case(context, case):
    body = case.body if isinstance(case.body, dict) else None
    if body is None:
        return case
    situation = body["situation"] if "situation" in body else body if takes_a_situation(case) else None
    if isinstance(situation, dict):
        keep_members_declared(situation, organisation_limit(case))
    name = reform_name(body.get("reform"))
    if name is not None and isinstance(case.query, dict) and case.query.get("reform") is not None:
        case.query["reform"] = name
    return case


def takes_a_situation(case) -> bool:
    """Whether the operation's JSON body is a situation itself (/calculate, /trace), not an object holding one or none."""
    content = case.operation.definition.raw.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema") == {"$ref": "#/components/schemas/Situation"}


def organisation_limit(case) -> int:
    """The most organisations the document allows in a situation."""
    situation = case.operation.schema.raw_schema["components"]["schemas"]["Situation"]
    return situation["properties"][shared_system().person_entity.plural]["maxProperties"]


def keep_members_declared(situation: dict[str, Any], limit: int) -> None:
    """Each member a group lists becomes a declared organisation in no other group of its kind.

    A member that breaks the rule is replaced by a declared organisation still free, else by a
    new one while the limit allows, else left out (and its group with it, if it needs one).
    """
    system = shared_system()
    persons = situation.setdefault(system.person_entity.plural, {})
    groups_of = {entity: situation.get(entity.plural) for entity in system.group_entities}
    if not isinstance(persons, dict) or not all(isinstance(groups, dict | None) for groups in groups_of.values()):
        return  # not a situation the document allows: nothing to keep
    for entity, groups in groups_of.items():
        placed: set[str] = set()
        for gid, group in list((groups or {}).items()):
            for role in entity.roles if isinstance(group, dict) else ():
                members = group.get(role.plural or role.key)
                if not isinstance(members, list) or not all(isinstance(member, str) for member in members):
                    continue  # not a list of ids, as the document asks: nothing to keep
                members[:] = [chosen for member in members if (chosen := member_for(member, persons, placed, limit)) is not None]
                if not members and role.key in REQUIRED_ROLES.get(entity.key, ()):
                    del groups[gid]
                    break


def member_for(member: str, persons: dict, placed: set[str], limit: int) -> str | None:
    if member not in persons or member in placed:
        free = next((pid for pid in persons if pid not in placed), None)
        member = free if free is not None else new_id(member, persons, limit)
    if member is not None:
        placed.add(member)
    return member


def new_id(wanted: str, persons: dict, limit: int) -> str | None:
    if len(persons) >= limit:
        return None
    iid, suffix = wanted, 2
    while iid in persons:
        iid, suffix = f"{wanted} {suffix}", suffix + 1
    persons[iid] = {}
    return iid


def reform_name(reform) -> str | None:
    if isinstance(reform, str):
        return reform
    return reform.get("name") if isinstance(reform, dict) else None
