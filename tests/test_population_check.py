"""The population's targets: each sourced or a flagged assumption, each held within its tolerance, and the check
that says so (``kruger-rules population check``)."""

import dataclasses

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from kruger_rules.cli import main
from kruger_rules.population import targets
from kruger_rules.population.check import check, check_frames, measures
from kruger_rules.population.generate import SAMPLE_PATH, generate, procurements_path, write
from kruger_rules.population.wards import load_wards


@pytest.fixture(scope="module")
def wards():
    return load_wards()


def missed(rows) -> list:
    return [(row.target, row.value, row.generated, row.tolerance) for row in rows if not row.within]


def sourced_figures() -> dict[str, targets.Sourced]:
    return {name: value for name, value in vars(targets).items() if isinstance(value, targets.Sourced)}


def test_every_target_of_the_shipped_sample_is_within_its_tolerance(wards):
    rows = check(SAMPLE_PATH, wards)
    assert len(rows) == len(targets.TARGETS) and not missed(rows)


@pytest.mark.parametrize(("size", "seed"), [(targets.TOLERANCES_HOLD_FROM, 1), (50_000, 9)])
def test_every_target_is_within_its_tolerance_at_other_sizes_and_seeds(wards, size, seed):
    population = generate(size, seed, wards=wards)
    assert not missed(check_frames(population.organisations.to_pandas(), population.procurements.to_pandas(), wards))


def test_every_target_is_measured(wards):
    population = generate(2_000, 1, wards=wards)
    measured = measures(population.organisations.to_pandas(), population.procurements.to_pandas(), wards)
    assert {target.key for target in targets.TARGETS} == set(measured)


def test_every_target_has_a_source_and_a_tolerance():
    for target in targets.TARGETS:
        assert target.source and target.tolerance >= 0, target.key


def test_every_figure_is_sourced_or_a_flagged_assumption_with_its_reason():
    figures = sourced_figures()
    assert len(figures) > 40
    for name, figure in figures.items():
        assert (figure.assumption and figure.reason) or (not figure.assumption and figure.source), name
    with pytest.raises(ValueError):
        targets.Sourced(1.0, assumption=True)
    with pytest.raises(ValueError):
        targets.Sourced(1.0)


def test_share_tables_are_shares():
    tables = [targets.INCOME_BAND_SHARES, targets.TRADING_BAND_SHARES, {"age": targets.TRADING_LED_AGE}]
    for table in tables:
        for kind, figure in table.items():
            assert all(0 <= share <= 1 for share in figure.value) and sum(figure.value) <= 1 + 1e-3, kind
    assert sum(targets.CHARITY_REGION_SHARES.value.values()) == pytest.approx(1)
    assert set(targets.INCOME_BAND_SHARES) == set(targets.TRADING_BAND_SHARES) == set(targets.AGE_SHARES) == set(targets.TYPE_COUNTS)


def test_england_s_total_is_the_sum_of_its_types():
    assert targets.ENGLAND_ORGANISATIONS == pytest.approx(sum(count.value for count in targets.TYPE_COUNTS.values()))
    civil_society = sum(targets.TYPE_COUNTS[kind].value for kind in targets.CIVIL_SOCIETY_TYPES)
    assert civil_society == pytest.approx(250_000, rel=0.002)


def test_the_check_notices_a_target_missed(wards):
    population = generate(5_000, 1, wards=wards)
    organisations = population.organisations.to_pandas()
    organisations.loc[organisations["organisation_type"] == "parish_council", "weight"] *= 2
    rows = {row.target: row for row in check_frames(organisations, population.procurements.to_pandas(), wards)}
    assert not rows["parish_council organisations"].within
    assert rows["registered_charity organisations"].within


def test_the_check_command_prints_the_targets_and_passes_the_sample(capsys):
    assert main(["population", "check", str(SAMPLE_PATH)]) == 0
    printed = capsys.readouterr().out
    assert "target value" in printed and "generated" in printed and "charities in the most deprived fifth" in printed
    assert f"{len(targets.TARGETS)} of {len(targets.TARGETS)} targets within tolerance" in printed


def test_the_check_command_exits_1_when_a_target_is_missed(tmp_path):
    organisations = pq.read_table(SAMPLE_PATH)
    doubled = pc.multiply(organisations["weight"], 2.0)
    broken = organisations.set_column(organisations.schema.get_field_index("weight"), "weight", doubled)
    out = tmp_path / "broken.parquet"
    pq.write_table(broken, out)
    pq.write_table(pq.read_table(procurements_path(SAMPLE_PATH)), procurements_path(out))
    assert main(["population", "check", str(out)]) == 1


def test_the_commands_refuse_bad_options(tmp_path, capsys):
    assert main(["population", "check", str(tmp_path / "missing.parquet")]) == 2
    assert main(["population", "generate", "--organisations", "3", "--seed", "1", "--out", str(tmp_path / "p.parquet")]) == 2
    assert main(["population", "generate", "--organisations", "100", "--seed", "-1", "--out", str(tmp_path / "p.parquet")]) == 2
    assert main(["population", "generate", "--organisations", "100", "--seed", "1", "--out", str(tmp_path / "p.csv")]) == 2
    (tmp_path / "not.parquet").write_text("not parquet")
    assert main(["population", "check", str(tmp_path / "not.parquet")]) == 2
    assert "error" in capsys.readouterr().err


def test_the_population_command_alone_prints_its_help(capsys):
    assert main(["population"]) == 2
    assert "generate" in capsys.readouterr().out


def test_write_puts_the_procurements_beside_the_organisations(tmp_path, wards):
    paths = write(generate(100, 1, wards=wards), tmp_path / "nested" / "p.parquet")
    assert [path.name for path in paths] == ["p.parquet", "p.procurements.parquet"] and all(path.is_file() for path in paths)


def test_targets_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        targets.TARGETS[0].value = 0  # type: ignore[misc]
