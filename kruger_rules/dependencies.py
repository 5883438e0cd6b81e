"""What a variable reads: the variables and parameters named in its formulas, found by reading them.

A formula's source is parsed, never run. It reads a variable by calling its entity (or a
projection of it) with the variable's name, ``organisation("total_income", period)``,
``organisation.place("imd_decile", period)``, ``procurement.members("organisation_type", period)``,
and a parameter by a path from ``parameters(period)``, directly or through a local name
(``p = parameters(period).scheme`` then ``p.cap``). A name read from a loop over a module
constant (``for name, _ in FACTS``) counts every variable name that constant holds.

Following these references down to the variables without a formula gives the inputs that can
change a variable's value: the questions a short screening form needs to ask.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass
from types import FunctionType

from openfisca_core.variables import Variable

from kruger_rules.errors import unknown_variable
from kruger_rules.parameter_tree import deepest_name

MAX_ALIAS_DEPTH = 8


@dataclass(frozen=True)
class FormulaReads:
    """What one formula names: variable names (unchecked) and parameter paths (as written)."""

    variables: frozenset[str]
    parameters: frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class Dependencies:
    """What a variable's value can depend on, through every formula it calls."""

    variable: str
    inputs: tuple[str, ...]
    computed: tuple[str, ...]
    parameters: tuple[str, ...]


@functools.cache
def formula_reads(formula: FunctionType) -> FormulaReads:
    """The variables and parameter paths a formula names, from its source.

    A formula that holds another variable (a reform's formula calling the formula it replaces)
    reads what that variable's formulas read, too.
    """
    source = textwrap.dedent(inspect.getsource(formula))
    function = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))
    reads = _FormulaReader(function, formula.__globals__).read()
    for held in _held_variables(formula):
        for other in held.formulas.values():
            if other is not formula:
                more = formula_reads(other)
                reads = FormulaReads(reads.variables | more.variables, reads.parameters | more.parameters)
    return reads


def _held_variables(formula: FunctionType) -> list[Variable]:
    held = []
    for cell in formula.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, Variable):
            held.append(value)
    return held


class _FormulaReader:
    def __init__(self, function: ast.FunctionDef, module_globals: dict) -> None:
        arguments = [argument.arg for argument in function.args.args]
        self.function = function
        self.globals = module_globals
        self.entity = arguments[0] if arguments else None
        self.parameters_name = arguments[2] if len(arguments) > 2 else None
        self.assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assigned.setdefault(node.targets[0].id, []).append(node.value)

    def read(self) -> FormulaReads:
        variables: set[str] = set()
        paths: set[tuple[str, ...]] = set()
        dynamic = False
        for node in ast.walk(self.function):
            if isinstance(node, ast.Call) and self._rooted_at_entity(node.func) and node.args:
                name = self._variable_name(node.args[0])
                if isinstance(name, str):
                    variables.add(name)
                elif name is _DYNAMIC:
                    dynamic = True
            if isinstance(node, ast.Attribute | ast.Subscript):
                path = self._parameter_path(node, 0)
                if path:
                    paths.add(path)
        if dynamic:
            variables |= self._strings_in_referenced_globals()
        longest = {path for path in paths if not any(other[: len(path)] == path and other != path for other in paths)}
        return FormulaReads(frozenset(variables), frozenset(longest))

    def _rooted_at_entity(self, node: ast.expr) -> bool:
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and node.id == self.entity

    def _variable_name(self, argument: ast.expr):
        """The variable name a call's first argument gives, ``_DYNAMIC`` if it comes from a loop, else None."""
        if isinstance(argument, ast.Constant):
            return argument.value if isinstance(argument.value, str) else None
        if isinstance(argument, ast.Name):
            values = self.assigned.get(argument.id)
            if values is None:
                return _DYNAMIC
            if len(values) == 1 and isinstance(values[0], ast.Constant) and isinstance(values[0].value, str):
                return values[0].value
        return None

    def _parameter_path(self, node: ast.expr, depth: int) -> tuple[str, ...] | None:
        """The parameter path an expression denotes: ``()`` for ``parameters(period)`` itself."""
        if depth > MAX_ALIAS_DEPTH:
            return None
        if isinstance(node, ast.Call):
            is_root = isinstance(node.func, ast.Name) and node.func.id == self.parameters_name
            return () if is_root else None
        if isinstance(node, ast.Attribute):
            base = self._parameter_path(node.value, depth + 1)
            return None if base is None else (*base, node.attr)
        if isinstance(node, ast.Subscript):
            base = self._parameter_path(node.value, depth + 1)
            if base is None:
                return None
            key = node.slice
            return (*base, key.value) if isinstance(key, ast.Constant) and isinstance(key.value, str) else base
        if isinstance(node, ast.Name) and node.id != self.parameters_name:
            for value in self.assigned.get(node.id, ()):
                path = self._parameter_path(value, depth + 1)
                if path is not None:
                    return path
        return None

    def _strings_in_referenced_globals(self) -> set[str]:
        found: set[str] = set()
        for node in ast.walk(self.function):
            if isinstance(node, ast.Name) and node.id in self.globals and node.id not in self.assigned:
                _collect_strings(self.globals[node.id], found, 0)
        return found


_DYNAMIC = object()


def _collect_strings(value, found: set[str], depth: int) -> None:
    if depth > 4:
        return
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            _collect_strings(item, found, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _collect_strings(key, found, depth + 1)
            _collect_strings(item, found, depth + 1)


def variable_or_error(system, name: str):
    variable = system.variables.get(name)
    if variable is None:
        raise unknown_variable(name, system.variables, "$.variable")
    return variable


def formulas(variable, period=None) -> list[FunctionType]:
    """The variable's formula in force in ``period``, or all its formulas when no period is given."""
    if period is not None:
        formula = variable.get_formula(period)
        return [formula] if formula is not None else []
    return list(variable.formulas.values())


def direct_reads(system, name: str, period=None) -> tuple[list[str], list[str]]:
    """The variables and parameters a variable's formula names, checked against the system."""
    variable = variable_or_error(system, name)
    variables: set[str] = set()
    parameters: set[str] = set()
    for formula in formulas(variable, period):
        reads = formula_reads(formula)
        variables |= {read for read in reads.variables if read in system.variables and read != name}
        parameters |= {found for path in reads.parameters if (found := deepest_name(system.parameters, path))}
    return sorted(variables), sorted(parameters)


def dependencies(system, name: str, period=None) -> Dependencies:
    """Every variable and parameter a variable can depend on, down to its inputs."""
    variable_or_error(system, name)
    seen: set[str] = set()
    inputs: set[str] = set()
    computed: set[str] = set()
    parameters: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        variable = system.variables[current]
        if is_input(variable):
            inputs.add(current)
            continue
        computed.add(current)
        variables, read_parameters = direct_reads(system, current, period)
        parameters |= set(read_parameters)
        stack.extend(variables)
    computed.discard(name)
    return Dependencies(name, tuple(sorted(inputs)), tuple(sorted(computed)), tuple(sorted(parameters)))


def is_input(variable) -> bool:
    """A variable the situation gives: one with no formula (a neutralised variable is not one)."""
    return variable.is_input_variable() and not getattr(variable, "is_neutralized", False)


@functools.cache
def formula_conjuncts(formula: FunctionType) -> tuple[tuple[str, bool], ...] | None:
    """The variables a formula returns the AND of, each with the value it must have, or None.

    ``organisation("a", period) & ~organisation("b", period)`` gives ``(("a", True), ("b", False))``;
    a local name standing for such a term or for another AND is followed. Any other shape of
    return (an OR, a comparison, several returns) is no conjunction of variables.
    """
    source = textwrap.dedent(inspect.getsource(formula))
    function = next(node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef))
    returns = [node for node in ast.walk(function) if isinstance(node, ast.Return)]
    if len(returns) != 1 or returns[0].value is None:
        return None
    reader = _FormulaReader(function, formula.__globals__)
    terms: list[tuple[str, bool]] = []
    if not _conjunct_terms(reader, returns[0].value, True, terms, 0):
        return None
    return tuple(terms)


def _conjunct_terms(reader: _FormulaReader, node: ast.expr, needed: bool, terms: list, depth: int) -> bool:
    if depth > MAX_ALIAS_DEPTH:
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitAnd) and needed:
        left = _conjunct_terms(reader, node.left, needed, terms, depth + 1)
        return left and _conjunct_terms(reader, node.right, needed, terms, depth + 1)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert | ast.Not):
        return _conjunct_terms(reader, node.operand, not needed, terms, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "logical_not" and len(node.args) == 1:
        return _conjunct_terms(reader, node.args[0], not needed, terms, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == reader.entity and node.args:
        name = reader._variable_name(node.args[0])
        if isinstance(name, str):
            terms.append((name, needed))
            return True
        return False
    if isinstance(node, ast.Name):
        values = reader.assigned.get(node.id, [])
        return len(values) == 1 and _conjunct_terms(reader, values[0], needed, terms, depth + 1)
    return False
