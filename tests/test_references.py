"""References a funder or commissioner can follow: law with its official page, assumptions with their reasoning."""

import pytest
import yaml
from api_support import ours
from test_code_health import all_parameters

from kruger_rules.parameter_tree import inherited, nodes
from kruger_rules.references import (
    Reference,
    assumption_anchors,
    parameter_references,
    problems,
    slug,
    variable_references,
)
from kruger_rules.system import PARAMETERS_DIR, ROOT, VARIABLES_DIR

RULE_BOOK = "SPEC"
REFORMS_DIR = ROOT / "reforms"


def parameter_problems(system):
    for name, parameter, ancestors in all_parameters(system):
        for problem in problems(parameter_references(inherited(parameter, ancestors, "reference"))):
            yield f"{name}: {problem}"
        for at in parameter.values_list:
            own = at.metadata.get("reference")
            if own is not None and own != inherited(parameter, ancestors, "reference"):
                for problem in problems(parameter_references(own)):
                    yield f"{name} from {at.instant_str}: {problem}"


def test_every_parameter_reference_can_be_followed(system):
    found = list(parameter_problems(system))
    assert not found, "\n".join(found)


def test_every_variable_reference_can_be_followed(system):
    found = [
        f"{name}: {problem}" for name, variable in system.variables.items() for problem in problems(variable_references(variable.reference))
    ]
    assert not found, "\n".join(found)


def test_no_parameter_label_or_description_names_the_rule_book(system):
    texts = [(p.name, inherited(p, a, key)) for _, p, a in all_parameters(system) for key in ("label", "description")]
    texts += [(node.name, node.description) for node in nodes(system.parameters)]
    assert not [name for name, text in texts if text and RULE_BOOK in text]


def test_no_variable_label_or_documentation_names_the_rule_book(system):
    assert not [
        name
        for name, variable in system.variables.items()
        if RULE_BOOK in (variable.label or "") or RULE_BOOK in (variable.documentation or "")
    ]


def test_no_rule_file_names_the_rule_book():
    """Comments and module documentation too: users read the rules' sources through the explorer."""
    files = [*PARAMETERS_DIR.rglob("*.yaml"), *VARIABLES_DIR.rglob("*.py"), *VARIABLES_DIR.rglob("*.yaml")]
    assert not [path.name for path in files if RULE_BOOK in path.read_text()]


def test_no_named_reform_names_the_rule_book():
    """A reform's description is what GET /api/v1/reforms answers."""
    assert not [path.name for path in REFORMS_DIR.glob("*.py") if RULE_BOOK in path.read_text()]


def test_scheme_labels_do_not_name_the_rule_book():
    for path in (VARIABLES_DIR / "explanations").glob("*.yaml"):
        assert RULE_BOOK not in yaml.safe_load(path.read_text())["label"]


def test_the_assumptions_document_has_a_section_for_every_scheme():
    assert {"social-value-in-procurement", "community-right-to-serve", "matchtrade"} <= assumption_anchors()


@pytest.mark.parametrize(
    ("references", "complaint"),
    [
        ([Reference("Localism Act 2011 s.84; SPEC §3", "https://www.legislation.gov.uk/ukpga/2011/20/section/84")], "rule book"),
        ([Reference("Localism Act 2011 s.84")], "official page"),
        ([Reference("PPN 06/20", "https://example.com/ppn0620")], "official page"),
        ([Reference("SI 2012/1647 Schedule", "http://www.legislation.gov.uk/uksi/2012/1647/schedule")], "official page"),
        ([Reference("Assumption: 90 days", "https://www.legislation.gov.uk/ukpga/2011/20/section/84")], "assumption"),
        ([Reference("Assumption: 90 days", "/assumptions#no-such-heading")], "assumption"),
        ([Reference("Assumption based on Localism Act 2011 s.84", "/assumptions#defaults-make-nothing-eligible")], "based on law"),
        ([Reference("", "https://www.gov.uk/")], "no citation"),
    ],
)
def test_the_reference_check_catches(references, complaint):
    assert any(complaint in problem for problem in problems(references))


def test_the_reference_check_passes_law_and_assumptions_that_can_be_followed():
    assert not problems(
        [
            Reference("Assumption based on Localism Act 2011 s.84", "/assumptions#defaults-make-nothing-eligible"),
            Reference("Localism Act 2011 s.84", "https://www.legislation.gov.uk/ukpga/2011/20/section/84"),
            Reference("Levelling Up Our Communities (Kruger, 2020)"),
        ]
    )


def test_a_variable_reference_pairs_each_citation_with_the_address_after_it():
    assert variable_references(
        ["Localism Act 2011 s.81", "https://www.legislation.gov.uk/ukpga/2011/20/section/81", "Assumption: none", "/assumptions#x"]
    ) == [
        Reference("Localism Act 2011 s.81", "https://www.legislation.gov.uk/ukpga/2011/20/section/81"),
        Reference("Assumption: none", "/assumptions#x"),
    ]
    assert variable_references("PPN 06/20") == [Reference("PPN 06/20")]


def test_anchors_are_made_as_github_makes_them():
    assert slug("Right to Serve: decision deadline") == "right-to-serve-decision-deadline"
    assert slug("MatchTrade's £250 minimum award") == "matchtrades-250-minimum-award"


def referenced_anchors(system):
    references = [parameter_references(inherited(p, a, "reference")) for _, p, a in all_parameters(system)]
    references += [variable_references(v.reference) for v in system.variables.values()]
    return {r.href.partition("#")[2] for refs in references for r in refs if r.href and r.href.startswith("/assumptions#")}


def test_the_assumptions_page_has_a_heading_for_every_referenced_anchor(system):
    response = ours().get("/assumptions")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    anchors = referenced_anchors(system)
    assert len(anchors) > 10
    missing = [anchor for anchor in anchors if f'id="{anchor}"' not in response.text]
    assert not missing


def test_the_assumptions_page_needs_no_internet():
    page = ours().get("/assumptions").text
    assert "<script" not in page and "stylesheet" not in page
