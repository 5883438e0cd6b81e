"""The parameter tree: one walk, one way to find a parameter, one rule for what a parameter is called,
the same on every route that quotes it."""

import copy
import json

import pytest
from api_support import ours
from openfisca_core import periods
from openfisca_core.parameters import ParameterNode

from kruger_rules.errors import KrugerError
from kruger_rules.parameter_tree import (
    copy_paths,
    deepest_name,
    find,
    find_leaf,
    inherited,
    leaf_names,
    leaves,
    metadata,
    metadata_of,
    nodes,
)
from kruger_rules.system import ROOT, shared_system

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PER_KIND_CHILD = "right_to_serve.bound_authority.nhs_body"


def quoted(entry: dict) -> dict:
    return {key: entry[key] for key in ("label", "unit", "reference") if key in entry}


def tree_says(name: str) -> dict:
    found = metadata_of(shared_system().parameters, name)
    return {"label": found.label, "unit": found.unit, "reference": [reference.as_dict() for reference in found.references]}


def parameter_entries(answer):
    """Every parameter entry of an eligibility answer, criteria within criteria included."""
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key == "parameters" and isinstance(value, list):
                yield from value
            else:
                yield from parameter_entries(value)
    elif isinstance(answer, list):
        for value in answer:
            yield from parameter_entries(value)


def situations() -> list[dict]:
    """Every example, and the Right to Serve's addressed to an NHS body (a per-kind child of a node)."""
    found = [json.loads(path.read_text()) for path in EXAMPLES]
    to_nhs = copy.deepcopy(json.loads((ROOT / "examples" / "right_to_serve.json").read_text()))
    for facts in to_nhs["organisations"].values():
        facts["claim_authority_type"] = {"2024": "nhs_body"}
    return [*found, to_nhs]


def eligibility_entries(reform: str | None) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for situation in situations():
        url = "/api/v1/eligibility" + (f"?reform={reform}" if reform else "")
        response = ours().post(url, json={"period": "2024", "situation": situation})
        assert response.status_code == 200, response.text
        for entry in parameter_entries(response.json()):
            assert entries.setdefault(entry["name"], quoted(entry)) == quoted(entry), entry["name"]
    return entries


@pytest.mark.parametrize("reform", [None, "current_law"])
def test_every_parameter_the_eligibility_route_quotes_is_named_as_the_tree_names_it(reform):
    entries = eligibility_entries(reform)
    assert len(entries) > 100 and PER_KIND_CHILD in entries
    assert {name: entry for name, entry in entries.items() if entry != tree_says(name)} == {}


def test_every_parameter_the_reforms_route_changes_is_named_as_the_tree_names_it():
    response = ours().get("/api/v1/reforms")
    assert response.status_code == 200
    changes = {change["parameter"]: quoted(change) for reform in response.json()["reforms"] for change in reform["changes"]}
    assert PER_KIND_CHILD in changes
    differing = {name: change for name, change in changes.items() if change != {key: tree_says(name)[key] for key in change}}
    assert differing == {}


def test_a_per_kind_child_has_one_label_on_every_route():
    from_eligibility = eligibility_entries(None)[PER_KIND_CHILD]
    reforms = ours().get("/api/v1/reforms").json()["reforms"]
    from_reforms = next(change for reform in reforms for change in reform["changes"] if change["parameter"] == PER_KIND_CHILD)
    assert from_eligibility["label"] == from_reforms["label"] == "Authority bound by the Right to Serve: nhs_body"
    assert from_eligibility["unit"] == from_reforms["unit"] == "bool"


# The walk and the finding


def test_every_leaf_is_walked_once_below_its_ancestors_from_the_root():
    tree = shared_system().parameters
    walked = list(leaves(tree))
    assert len({leaf.name for leaf, _ in walked}) == len(walked) == len(leaf_names(tree)) > 100
    for leaf, ancestors in walked:
        assert ancestors[0] is tree
        assert leaf in ancestors[-1].children.values()
        assert find(tree, leaf.name) is find_leaf(tree, leaf.name) is leaf


def test_every_node_is_found_by_its_name():
    tree = shared_system().parameters
    for node in nodes(tree):
        assert find(tree, node.name) is node
        assert deepest_name(tree, (*node.name.split("."), "no_such_key")) == node.name


def test_an_unknown_name_is_answered_with_the_nearest_leaf():
    with pytest.raises(KrugerError) as caught:
        find(shared_system().parameters, "match_trade.cpa", "$.where")
    assert caught.value.code == "unknown_parameter" and caught.value.path == "$.where"
    assert "the nearest is 'match_trade.cap'" in caught.value.message


def test_a_node_is_no_leaf():
    with pytest.raises(KrugerError) as caught:
        find_leaf(shared_system().parameters, "right_to_serve.bound_authority")
    assert "is a group of parameters" in caught.value.message
    assert "e.g. 'right_to_serve.bound_authority.central_government_department'" in caught.value.message


def test_a_path_read_in_a_formula_lands_on_the_deepest_parameter_it_names():
    tree = shared_system().parameters
    assert deepest_name(tree, ("match_trade", "cap", "anything")) == "match_trade.cap"
    assert deepest_name(tree, ("no_such_scheme",)) is None
    assert deepest_name(tree, ()) is None


# The rule for metadata


def small_tree() -> ParameterNode:
    """A folder ``scheme`` (its index file labelled), a leaf in a file of its own, and a node of kinds in one file."""
    tree = ParameterNode(
        "",
        data={
            "scheme": {
                "description": "A scheme",
                "metadata": {"label": "Scheme", "unit": "currency-GBP"},
                "cap": {"description": "Most a grant can be", "values": {"2020-01-01": {"value": 100}}},
                "kinds": {
                    "description": "Kinds that may apply",
                    "metadata": {"label": "Kind may apply", "unit": "bool", "reference": [{"title": "A source", "href": None}]},
                    "charity": {"values": {"2020-01-01": {"value": True}}},
                },
            }
        },
    )
    tree.scheme.file_path = "scheme/index.yaml"
    tree.scheme.cap.file_path = "scheme/cap.yaml"
    for node in (tree.scheme.kinds, tree.scheme.kinds.charity):
        node.file_path = "scheme/kinds.yaml"
    return tree


def test_a_child_of_a_node_in_its_file_takes_the_node_s_label_with_its_key():
    tree = small_tree()
    found = metadata_of(tree, "scheme.kinds.charity")
    assert found.label == "Kind may apply: charity"
    assert found.unit == "bool"
    assert [reference.title for reference in found.references] == ["A source"]


def test_nothing_is_inherited_from_another_file():
    tree = small_tree()
    leaf, ancestors = next((leaf, ancestors) for leaf, ancestors in leaves(tree) if leaf.name == "scheme.cap")
    assert inherited(leaf, ancestors, "unit") is None
    assert metadata(leaf, ancestors).label == "Most a grant can be"  # its description: the folder's label is another file's


# The branch copy


def test_a_branch_copy_copies_the_path_changed_and_shares_the_rest():
    tree = shared_system().parameters
    copied = copy_paths(tree, ["match_trade.cap"])
    assert copied is not tree and copied.match_trade is not tree.match_trade
    assert copied.match_trade.cap is not tree.match_trade.cap
    assert copied.match_trade.rate is tree.match_trade.rate and copied.luc_fund is tree.luc_fund
    start = periods.instant("2024-01-01")
    before = tree.match_trade.cap(start)
    find_leaf(copied, "match_trade.cap").update(start=start, stop=None, value=before + 1)
    assert copied.match_trade.cap(start) == before + 1 and tree.match_trade.cap(start) == before
    assert metadata_of(copied, "match_trade.cap") == metadata_of(tree, "match_trade.cap")
