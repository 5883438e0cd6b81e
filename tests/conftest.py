"""Shared fixtures, and collection of the OpenFisca YAML cases in tests/yaml as pytest items."""

import atexit
import functools
import os
import shutil
import tempfile

import api_document_rules  # noqa: F401  (requests schemathesis generates keep the rules the API document states in words)
import pytest
import yaml
from openfisca_core.tools.test_runner import OpenFiscaPlugin, YamlFile, YamlItem

from kruger_rules import CountryTaxBenefitSystem
from kruger_rules.reforms import reformed_system

pytest_plugins = [
    "databases",  # the fixture database_url: each store test on SQLite and on PostgreSQL
    "browser_support",  # the browser tests' server, chromium and page
]

# An app started by a test keeps its impact jobs (and their database) in a folder of the test run, never in the repository.
if "KRUGER_DATA_DIR" not in os.environ:
    os.environ["KRUGER_DATA_DIR"] = tempfile.mkdtemp(prefix="kruger-rules-tests-")
    atexit.register(shutil.rmtree, os.environ["KRUGER_DATA_DIR"], True)


@functools.cache
def baseline_system():
    return CountryTaxBenefitSystem()


@pytest.fixture(scope="session")
def system():
    return baseline_system()


@pytest.fixture(scope="session")
def current_law():
    """The rules as the law stands, without the report's proposals."""
    return reformed_system("current_law")


class NamedYamlFile(YamlFile):
    """OpenFisca's YAML collector, with each case named for pytest's ids (and pytest-xdist)."""

    def collect(self):
        cases = yaml.safe_load(self.path.read_text())
        for index, case in enumerate(cases if isinstance(cases, list) else [cases]):
            yield YamlItem.from_parent(
                self,
                name=f"{index:03d} {case.get('name', 'unnamed')}",
                baseline_tax_benefit_system=self.tax_benefit_system,
                test=case,
                options=self.options,
            )


def openfisca_test_is_collecting(config) -> bool:
    return any(isinstance(plugin, OpenFiscaPlugin) for plugin in config.pluginmanager.get_plugins())


def pytest_collect_file(parent, file_path):
    if openfisca_test_is_collecting(parent.config):
        return None
    if file_path.suffix in {".yaml", ".yml"} and file_path.parent.name == "yaml":
        return NamedYamlFile.from_parent(parent, path=file_path, tax_benefit_system=baseline_system(), options={})
    return None
