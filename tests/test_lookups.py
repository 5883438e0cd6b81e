import numpy
import pytest
from openfisca_core.indexed_enums import EnumArray

from kruger_rules.lookups import by_kind


@pytest.mark.parametrize(
    "node_path",
    ["organisation.public_body", "organisation.charity", "right_to_serve.relevant_body.min_members", "luc_fund.legal_form_allowed"],
)
def test_by_kind_answers_as_openfisca_indexing(system, node_path):
    enum = system.variables["organisation_type"].possible_values
    codes = numpy.random.default_rng(7).integers(0, len(enum), 500).astype(numpy.int16)
    kinds = EnumArray(codes, enum)
    node = system.parameters("2024-01-01")
    for name in node_path.split("."):
        node = node[name]
    assert by_kind(node, kinds).tolist() == node[kinds].tolist()
