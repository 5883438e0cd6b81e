"""The three entities of the rule system."""

from openfisca_core.entities import build_entity

Organisation = build_entity(
    key="organisation",
    plural="organisations",
    label="An organisation",
    doc="Any body: a charity, a social enterprise, a community group, a company or a public body.",
    is_person=True,
)

Place = build_entity(
    key="place",
    plural="places",
    label="A ward-sized neighbourhood",
    doc="A place and the organisations based in it.",
    roles=[
        {
            "key": "member",
            "plural": "members",
            "label": "Member",
            "doc": "An organisation based in the place.",
        },
    ],
)

Procurement = build_entity(
    key="procurement",
    plural="procurements",
    label="A contract being procured",
    doc="A public contract, the body that commissions it and the bodies that bid for it.",
    roles=[
        {
            "key": "commissioner",
            "plural": "commissioners",
            "label": "Commissioner",
            "doc": "The body procuring the contract: exactly one in a declared procurement.",
            "max": 1,
        },
        {
            "key": "bidder",
            "plural": "bidders",
            "label": "Bidder",
            "doc": "A body bidding for the contract.",
        },
    ],
)

entities = [Organisation, Place, Procurement]

REQUIRED_ROLES = {"procurement": ("commissioner",)}
"""Roles a declared group must fill: a procurement has exactly one commissioner."""


def role_name(role) -> str:
    """How a situation names a role: its plural (``members``), or its key where it has none."""
    return role.plural or role.key


def roles_by_key(group) -> dict:
    """A group's roles under every key a situation may name them by, singular and plural."""
    return {key: role for role in group.roles for key in (role.key, role.plural) if key}
