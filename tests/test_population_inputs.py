"""A population file read into input arrays: CSV and Parquet alike, enumerations matched by name, and every fault
refused before any work with the file and the column named."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from impact_support import PERIOD, write_small_population

from kruger_rules.errors import KrugerError
from kruger_rules.population.generate import procurements_path
from kruger_rules.population.impact import run_impact
from kruger_rules.population.inputs import read_population
from kruger_rules.system import shared_system


@pytest.fixture(scope="module")
def population_file(tmp_path_factory):
    return write_small_population(tmp_path_factory.mktemp("population"), organisations=600, seed=3)


def rewrite(source, directory, change=lambda table: table, procurements=lambda table: table):
    """The population at ``source`` with its tables changed, written to ``directory``."""
    path = directory / "changed.parquet"
    pq.write_table(change(pq.read_table(source)), path)
    pq.write_table(procurements(pq.read_table(procurements_path(source))), procurements_path(path))
    return path


def test_a_csv_population_gives_what_its_parquet_gives(population_file, tmp_path):
    csv = tmp_path / "small.csv"
    pd.read_parquet(population_file).to_csv(csv, index=False)
    pd.read_parquet(procurements_path(population_file)).to_csv(tmp_path / "small.procurements.csv", index=False)
    from_csv = run_impact("current_law", csv, PERIOD, chunk_size=250)
    from_parquet = run_impact("current_law", population_file, PERIOD, chunk_size=250)
    for name, table in from_parquet.tables.items():
        pd.testing.assert_frame_equal(from_csv.tables[name], table, check_exact=True)


def test_enumerations_are_matched_by_name_whatever_the_files_order(population_file, tmp_path):
    def reorder(table):
        kinds = table.column("organisation_type").combine_chunks()
        names = kinds.dictionary.to_pylist()
        reversed_names = names[::-1]
        codes = np.array([reversed_names.index(names[code]) for code in kinds.indices.to_numpy()], dtype=np.int16)
        shuffled = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(reversed_names))
        return table.set_column(table.column_names.index("organisation_type"), "organisation_type", shuffled)

    system = shared_system()
    changed = read_population(rewrite(population_file, tmp_path, reorder), system)
    original = read_population(population_file, system)
    assert (changed.organisations.inputs["organisation_type"] == original.organisations.inputs["organisation_type"]).all()


def test_a_population_without_procurements_has_none(population_file, tmp_path):
    alone = tmp_path / "alone.parquet"
    pq.write_table(pq.read_table(population_file), alone)
    run = run_impact("current_law", alone, PERIOD)
    assert run.about["procurement_rows"] == 0 and run.about["population_files"] == [str(alone)]
    assert (run.tables["reach"].query("entity == 'procurements'")["units"] == 0).all()


@pytest.mark.parametrize(
    ("change", "message", "path"),
    [
        (lambda t: t.rename_columns([("total_incme" if n == "total_income" else n) for n in t.column_names]),
         "column 'total_incme' is not an input of organisations (did you mean 'total_income'?)", "$.organisations.total_incme"),
        (lambda t: t.append_column("imd_decile", pa.array(np.ones(t.num_rows, np.int32))),
         "column 'imd_decile' is not an input of organisations: it is an input of places", "$.organisations.imd_decile"),
        (lambda t: t.drop_columns(["weight"]), "has no column 'weight'", "$.organisations"),
        (lambda t: t.set_column(t.column_names.index("ward_code"), "ward_code", pa.array(["E99999999"] * t.num_rows)),
         "ward 'E99999999' is not a ward of England", "$.organisations.ward_code"),
        (lambda t: t.set_column(t.column_names.index("total_income"), "total_income", pa.array([None] + [1.0] * (t.num_rows - 1))),
         "1 empty values, the first in row 0", "$.organisations.total_income"),
        (lambda t: t.set_column(t.column_names.index("governing_body_resident_share"), "governing_body_resident_share",
                                pa.array([1.5] * t.num_rows)),
         "'governing_body_resident_share' is a share between 0 and 1", "$.organisations.governing_body_resident_share"),
        (lambda t: t.set_column(t.column_names.index("claim_service"), "claim_service", pa.array(["librarie"] * t.num_rows)),
         "'claim_service' has no value 'librarie'", "$.organisations.claim_service"),
        (lambda t: t.set_column(t.column_names.index("has_bank_account"), "has_bank_account", pa.array(["maybe"] * t.num_rows)),
         "'has_bank_account' is true or false", "$.organisations.has_bank_account"),
        (lambda t: t.set_column(t.column_names.index("organisation_id"), "organisation_id", pa.array(np.zeros(t.num_rows, np.int64))),
         "organisation_id 0 is given twice", "$.organisations.organisation_id"),
    ],
)  # fmt: skip
def test_a_bad_organisation_table_is_refused_naming_the_column(population_file, tmp_path, change, message, path):
    with pytest.raises(KrugerError, match=None) as refused:
        read_population(rewrite(population_file, tmp_path, change), shared_system())
    assert message in refused.value.message and refused.value.path == path
    assert refused.value.code == "bad_population"


def test_a_procurement_by_no_organisation_of_the_population_is_refused(population_file, tmp_path):
    def stranger(table):
        ids = np.full(table.num_rows, 10**9, dtype=np.int64)
        return table.set_column(table.column_names.index("commissioner_id"), "commissioner_id", pa.array(ids))

    with pytest.raises(KrugerError) as refused:
        read_population(rewrite(population_file, tmp_path, procurements=stranger), shared_system())
    assert "commissioner_id 1000000000 is not an organisation of the population" in refused.value.message


def test_a_file_that_is_no_table_is_refused(tmp_path):
    path = tmp_path / "population.parquet"
    path.write_text("not parquet")
    with pytest.raises(KrugerError) as refused:
        read_population(path, shared_system())
    assert refused.value.code == "bad_population" and str(path) in refused.value.message
    with pytest.raises(KrugerError, match="a .parquet or .csv file"):
        read_population(tmp_path / "population.xlsx", shared_system())
