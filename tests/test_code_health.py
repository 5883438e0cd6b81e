"""The standards the rules keep: every parameter sourced, no literal of policy in a formula."""

import ast
from pathlib import Path

import pytest
from openfisca_core.parameters import Parameter

from kruger_rules.parameter_tree import inherited, leaves, nodes
from kruger_rules.system import PARAMETERS_DIR, VARIABLES_DIR

ALLOWED_LITERALS = {0, 1}


def all_parameters(system):
    return [(p.name, p, a) for p, a in leaves(system.parameters)]


def test_there_are_parameters(system):
    assert len(all_parameters(system)) > 20


@pytest.mark.parametrize("key", ["description", "unit", "reference"])
def test_every_parameter_has(system, key):
    missing = [name for name, p, a in all_parameters(system) if not inherited(p, a, key)]
    assert not missing, f"parameters without {key}: {missing}"


def test_every_parameter_value_is_dated_and_present(system):
    for name, parameter, _ in all_parameters(system):
        assert isinstance(parameter, Parameter)
        assert parameter.values_list, f"{name} has no value"


def policy_literals(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("formula"):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                    if inner.value not in ALLOWED_LITERALS:
                        yield f"{path.name}:{inner.lineno} {inner.value!r} in {node.name}"


@pytest.mark.parametrize("path", sorted(VARIABLES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_literal_of_policy_in_formulas(path):
    assert not list(policy_literals(path))


def test_the_literal_check_catches_a_literal(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def formula(o, period, parameters):\n    return o('x', period) >= 0.5\n")
    assert list(policy_literals(sample)) == ["sample.py:2 0.5 in formula"]


@pytest.mark.parametrize("path", sorted(VARIABLES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_every_variable_has_label_and_reference(system, path):
    tree = ast.parse(path.read_text())
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef) and n.name in system.variables]
    for name in names:
        variable = system.variables[name]
        assert variable.label, f"{name} has no label"
        assert variable.reference, f"{name} has no reference"


def test_parameter_files_are_yaml():
    assert all(p.suffix == ".yaml" for p in PARAMETERS_DIR.rglob("*") if p.is_file())


def enum_names(system):
    return {
        variable.possible_values.__name__: {item.name for item in variable.possible_values}
        for variable in system.variables.values()
        if getattr(variable, "possible_values", None) is not None
    }


def test_enum_indexed_parameters_cover_every_value_of_their_enum(system):
    """A formula indexing a node by an enumeration fails at run time on a missing entry."""
    enums = enum_names(system)
    for node in nodes(system.parameters):
        keys = set(node.children)
        for enum, names in enums.items():
            if len(keys & names) >= 3 and keys <= names | {"metadata"}:
                assert keys == names, f"{node.name} lacks {sorted(names - keys)} of {enum}"
