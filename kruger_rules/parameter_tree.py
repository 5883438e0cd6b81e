"""The parameter tree, walked, read and copied in one place.

OpenFisca loads ``parameters/`` as a tree of nodes (a folder, or a file that groups values) whose
leaves (``Parameter``) hold dated values. Whatever goes through the tree does so here: the walk
of its leaves and nodes, the finding of a parameter by its dotted name, what a leaf is called
(label, unit, reference) and the copy of a branch, so that every answer names a parameter alike.

A leaf's metadata is its own, completed by the enclosing nodes that share its file. A node
indexed by a category (one child per kind of organisation, say) keeps its label, unit and
reference on the node and its values on the children; such a child is labelled by the node's
label followed by its key, ``Label: key``.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from openfisca_core.commons import empty_clone
from openfisca_core.parameters import Parameter, ParameterNode

from kruger_rules.errors import KrugerError, did_you_mean
from kruger_rules.references import Reference, parameter_references

Ancestors = tuple[ParameterNode, ...]
"""The nodes above a leaf, from the root down."""


@dataclass(frozen=True)
class Metadata:
    """What a leaf is, as every answer that quotes it says it."""

    label: str | None
    """Its label, or its node's followed by its key; failing any, its description."""
    unit: str | None
    references: tuple[Reference, ...]


# Walking


def leaves(node: ParameterNode, ancestors: Ancestors = ()) -> Iterator[tuple[Parameter, Ancestors]]:
    """Every leaf under ``node``, depth first, each with the nodes above it (``node`` and its ``ancestors`` first)."""
    for child in node.children.values():
        if isinstance(child, ParameterNode):
            yield from leaves(child, (*ancestors, node))
        else:
            yield child, (*ancestors, node)


def nodes(node: ParameterNode) -> Iterator[ParameterNode]:
    """Every node under ``node``, depth first."""
    for child in node.children.values():
        if isinstance(child, ParameterNode):
            yield child
            yield from nodes(child)


def leaves_under(found: Parameter | ParameterNode, keys: Collection[str] = ()) -> list[Parameter]:
    """A leaf itself, or every leaf under a node: of a node indexed by category, those under its children in ``keys`` if any."""
    if isinstance(found, Parameter):
        return [found]
    chosen = [child for key, child in found.children.items() if key in keys]
    return [leaf for child in chosen for leaf in leaves_under(child)] or [leaf for leaf, _ in leaves(found)]


def leaf_names(tree: ParameterNode) -> list[str]:
    return sorted(leaf.name for leaf, _ in leaves(tree))


# Finding by dotted name


def descend(tree: ParameterNode, keys: Sequence[str]) -> list[Parameter | ParameterNode]:
    """Each node on the way down ``keys`` from ``tree``, as far as the path exists."""
    path: list[Parameter | ParameterNode] = []
    node: Parameter | ParameterNode = tree
    for key in keys:
        child = node.children.get(key) if isinstance(node, ParameterNode) else None
        if child is None:
            break
        path.append(child)
        node = child
    return path


def deepest_name(tree: ParameterNode, keys: Sequence[str]) -> str | None:
    """The dotted name of the deepest leaf or node along ``keys``: where a path read in a formula lands."""
    path = descend(tree, keys)
    return path[-1].name if path else None


def lineage(tree: ParameterNode, name: str, where: str = "$") -> tuple[Parameter | ParameterNode, Ancestors]:
    """The leaf or node of a dotted name with the nodes above it, or an ``unknown_parameter`` error at ``where``."""
    keys = name.split(".")
    path = descend(tree, keys)
    if len(path) < len(keys):
        raise KrugerError("unknown_parameter", f"unknown parameter '{name}'; the nearest is '{nearest(name, leaf_names(tree))}'", where)
    return path[-1], (tree, *path[:-1])


def leaf_lineage(tree: ParameterNode, name: str, where: str = "$") -> tuple[Parameter, Ancestors]:
    """The leaf of a dotted name with the nodes above it; a node or an unknown name is an ``unknown_parameter`` error."""
    found, ancestors = lineage(tree, name, where)
    if isinstance(found, ParameterNode):
        example = min(leaf.name for leaf, _ in leaves(found))
        raise KrugerError(
            "unknown_parameter", f"'{name}' is a group of parameters, not one; give one of its leaves, e.g. '{example}'", where
        )
    return found, ancestors


def find(tree: ParameterNode, name: str, where: str = "$") -> Parameter | ParameterNode:
    """The leaf or node of a dotted name, or an ``unknown_parameter`` error naming the nearest leaf."""
    return lineage(tree, name, where)[0]


def find_leaf(tree: ParameterNode, name: str, where: str = "$") -> Parameter:
    return leaf_lineage(tree, name, where)[0]


def nearest(word: str, choices: list[str]) -> str:
    """The closest choice by spelling; failing any, the one sharing the longest leading part."""
    close = did_you_mean(word, choices)
    if close:
        return close.split("'")[1]
    return max(choices, key=lambda choice: (len(os.path.commonprefix([word, choice])), -len(choice)))


# Metadata


def holders(parameter: Parameter, ancestors: Ancestors) -> Iterator[Parameter | ParameterNode]:
    """The leaf, then the enclosing nodes that share its file, nearest first."""
    yield parameter
    for node in reversed(ancestors):
        if getattr(node, "file_path", None) != parameter.file_path:
            return
        yield node


def inherited(parameter: Parameter, ancestors: Ancestors, key: str) -> Any:
    """A leaf's ``key`` of metadata (or its description), else that of the nearest enclosing node in its file."""
    for holder in holders(parameter, ancestors):
        found = holder.description if key == "description" else holder.metadata.get(key)
        if found:
            return found
    return None


def label(parameter: Parameter, ancestors: Ancestors) -> str | None:
    """The leaf's label, or that of the nearest node in its file followed by the keys below it (``Label: key``); else its description."""
    for holder in holders(parameter, ancestors):
        found = holder.metadata.get("label")
        if found:
            below = parameter.name[len(holder.name) + 1 :]
            return f"{found}: {below}" if below else found
    return inherited(parameter, ancestors, "description")


def metadata(parameter: Parameter, ancestors: Ancestors) -> Metadata:
    return Metadata(
        label=label(parameter, ancestors),
        unit=inherited(parameter, ancestors, "unit"),
        references=tuple(parameter_references(inherited(parameter, ancestors, "reference"))),
    )


def metadata_of(tree: ParameterNode, name: str) -> Metadata:
    """The metadata of the leaf of a dotted name."""
    return metadata(*leaf_lineage(tree, name))


# Copying


def copy_paths(tree: ParameterNode, paths: Iterable[str]) -> ParameterNode:
    """A new tree in which the leaves at ``paths``, and the nodes above them, are copies.

    Every other node is shared with ``tree``. Nothing ever changes a tree in place once a system
    holds it, so sharing is safe, and a reform costs a few copied nodes instead of a copy of the
    whole tree (``Reform.modify_parameters`` deep-copies it: several milliseconds and the tree's
    memory again for each reform).
    """
    copied: dict[int, Any] = {}

    def own(node: Any, parent: Any = None, key: str = "") -> Any:
        if id(node) in copied:
            return copied[id(node)]
        copy: Any
        if isinstance(node, Parameter):
            copy = node.clone()
        else:
            copy = empty_clone(node)
            copy.__dict__ = node.__dict__.copy()
            copy.children = dict(node.children)
        copied[id(node)] = copied[id(copy)] = copy
        if parent is not None:
            parent.children[key] = copy
            setattr(parent, key, copy)
        return copy

    root = own(tree)
    for path in paths:
        node = root
        for part in path.split("."):
            node = own(node.children[part], node, part)
    return root
