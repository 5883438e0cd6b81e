"""Scale-out on Dask: an impact on a 2-worker LocalCluster gives the tables of the in-process run, each worker builds
the rule system once, the map keeps order within its window, and a bad option or an absent scheduler is a clear error."""

import argparse
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from kruger_rules.batch.run import run_batch
from kruger_rules.cli import main
from kruger_rules.errors import KrugerError
from kruger_rules.population.impact import run_impact
from kruger_rules.population.tally import fixed
from kruger_rules.reforms import system_cache
from kruger_rules.scaleout import add_scaleout_options, check_workers, dask_client, ordered_map
from kruger_rules.system import ROOT, shared_system

CHUNK_SIZE = 5000
"""The shipped sample's 20,000 rows in four chunks: more chunks than workers."""


@pytest.fixture(scope="module")
def cluster():
    with dask_client(None, "local:2") as client:
        yield client


@pytest.fixture(scope="module")
def in_process():
    return run_impact("current_law", period="2024", chunk_size=CHUNK_SIZE, keep_rows=True)


@pytest.fixture(scope="module")
def on_dask(cluster):
    return run_impact("current_law", period="2024", chunk_size=CHUNK_SIZE, keep_rows=True, client=cluster)


def test_the_impact_on_dask_is_the_impact_in_process(in_process, on_dask):
    assert on_dask.tables.keys() == in_process.tables.keys()
    for name, table in in_process.tables.items():
        pd.testing.assert_frame_equal(on_dask.tables[name], table, check_exact=True)
    for entity, rows in in_process.rows.items():
        pd.testing.assert_frame_equal(on_dask.rows[entity], rows, check_exact=True)
    assert on_dask.about["chunks"] == 4


def test_each_worker_builds_the_rules_once_from_the_package(cluster, on_dask):
    done = []
    run_impact("current_law", period="2024", chunk_size=CHUNK_SIZE, client=cluster, progress=lambda rows, total: done.append((rows, total)))
    assert done == [(5000, 20000), (10000, 20000), (15000, 20000), (20000, 20000)]
    found = cluster.run(lambda: (shared_system.cache_info().misses, system_cache().builds, str(ROOT)))
    assert len(found) == 2
    assert set(found.values()) <= {(0, 0, str(ROOT)), (1, 1, str(ROOT))} and (1, 1, str(ROOT)) in found.values()


@pytest.mark.parametrize(("window", "out"), [(None, 4), (1, 1), (3, 3)])
def test_ordered_map_yields_in_order_with_at_most_window_items_out(cluster, window, out):
    taken = []

    def items():
        for item in range(10):
            taken.append(item)
            yield item

    found = []
    # The first item is the slowest: later ones finish first, and are still yielded after it.
    for index, result in enumerate(
        ordered_map(cluster, lambda item, step: time.sleep(0.2 * (item == 0)) or item * step, items(), 3, window=window)
    ):
        assert len(taken) <= index + out
        found.append(result)
    assert found == [item * 3 for item in range(10)]


def test_ordered_map_needs_room_for_one_item(cluster):
    with pytest.raises(ValueError):
        next(ordered_map(cluster, abs, [1], window=0))


def test_ordered_map_without_a_client_runs_here():
    assert list(ordered_map(None, divmod, [7, 9], 2)) == [(3, 1), (4, 1)]


def test_an_error_in_a_worker_reaches_the_caller_whole(cluster):
    with pytest.raises(KrugerError) as raised:
        list(ordered_map(cluster, fixed, [np.array([1.0]), np.array([1e300])], 1.0))
    assert raised.value.code == "result_too_large" and "too large to total" in raised.value.message


def test_a_scheduler_address_connects_to_a_running_cluster(cluster):
    with dask_client(cluster.scheduler.address, None) as client:
        assert list(ordered_map(client, abs, [-1, -2, -3])) == [1, 2, 3]
    assert cluster.status == "running"


@pytest.mark.parametrize(
    ("scheduler", "local", "option"),
    [
        (None, "local:0", "--dask"),
        (None, "local", "--dask"),
        (None, "2", "--dask"),
        (None, "local:two", "--dask"),
        ("127.0.0.1:8786", None, "--scheduler"),
        ("tcp://127.0.0.1", None, "--scheduler"),
        ("tcp://127.0.0.1:99999", None, "--scheduler"),
        ("http://127.0.0.1:8786", None, "--scheduler"),
        ("tcp://:8786", None, "--scheduler"),
        ("tcp://127.0.0.1:8786", "local:2", "--scheduler"),
    ],
)
def test_a_malformed_option_is_refused_naming_it(scheduler, local, option):
    with pytest.raises(KrugerError) as raised, dask_client(scheduler, local):
        pass
    assert raised.value.code == "bad_option" and option in raised.value.message


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(KrugerError) as raised, dask_client("tcp://127.0.0.1:1", None, timeout=1):
        pass
    assert raised.value.code == "unreachable_scheduler"
    assert (
        str(raised.value) == "$.scheduler: no Dask scheduler answered at tcp://127.0.0.1:1 within 1 s: is it running, and is its port open?"
    )


def test_a_worker_on_other_rules_is_refused():
    class OtherWorkers:
        def run(self, function):
            return {"tcp://10.0.0.9:40000": "0.0.1+0000000000"}

    with pytest.raises(KrugerError) as raised:
        check_workers(OtherWorkers())
    assert raised.value.code == "worker_mismatch" and "tcp://10.0.0.9:40000 runs rules 0.0.1+0000000000" in raised.value.message


def test_the_options_exclude_each_other(capsys):
    parser = argparse.ArgumentParser()
    add_scaleout_options(parser)
    assert vars(parser.parse_args(["--dask", "local:2"])) == {"scheduler": None, "dask": "local:2"}
    with pytest.raises(SystemExit):
        parser.parse_args(["--dask", "local:2", "--scheduler", "tcp://127.0.0.1:8786"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_command_on_a_local_cluster_writes_the_same_cost_table(in_process, tmp_path, capsys):
    out = tmp_path / "impact"
    command = ["impact", "--reform", "current_law", "--chunk-size", str(CHUNK_SIZE), "--dask", "local:2", "--out", str(out)]
    assert main(command) == 0
    assert (out / "cost.csv").read_text() == in_process.tables["cost"].to_csv(index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "cost.parquet"), in_process.tables["cost"], check_exact=True)


def test_the_command_refuses_a_bad_option_before_any_work(tmp_path, capsys):
    out = tmp_path / "impact"
    assert main(["impact", "--reform", "current_law", "--dask", "local:0", "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith("kruger-rules: error: $.dask: --dask takes local:N")
    assert not out.exists()


def test_a_batch_on_dask_is_the_batch_in_process(cluster, tmp_path):
    """Chunks of the shipped example (bad rows, a repeated id across chunks, --explain) screened on workers."""
    example = ROOT / "examples" / "batch" / "applications.csv"
    here = run_batch(example, tmp_path / "here.parquet", period=2024, explain=True, chunk_rows=70)
    there = run_batch(example, tmp_path / "there.parquet", period=2024, explain=True, chunk_rows=70, client=cluster)
    assert (there.rows, there.ok, there.failed) == (here.rows, here.ok, here.failed) == (300, 293, 7)
    assert pq.read_table(there.out).equals(pq.read_table(here.out))
    assert (tmp_path / "there.errors.csv").read_bytes() == (tmp_path / "here.errors.csv").read_bytes()
