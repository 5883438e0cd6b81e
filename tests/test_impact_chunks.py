"""Chunks are self-contained plain data: they pickle, another process computes them from the reform's data alone,
every place is counted once and every procurement travels with its commissioner."""

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from impact_support import PERIOD, write_small_population

from kruger_rules.population.chunks import chunks, ward_facts
from kruger_rules.population.impact import run_chunk
from kruger_rules.population.inputs import read_population
from kruger_rules.reforms import parse_reform
from kruger_rules.system import shared_system

REFORM = {"name": "current_law", "parameters": {"match_trade.in_force": {"2024-01-01": True}}}


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    return read_population(write_small_population(tmp_path_factory.mktemp("population"), organisations=1200, seed=11), shared_system())


@pytest.fixture(scope="module")
def cut(population):
    return list(chunks(population, ward_facts(population.wards, shared_system()), 250))


def same_totals(one, other) -> bool:
    return one.arrays.keys() == other.arrays.keys() and all((one.arrays[key] == other.arrays[key]).all() for key in one.arrays)


def test_every_place_is_counted_by_one_chunk_only(population):
    small = list(chunks(population, ward_facts(population.wards, shared_system()), 5))
    wards = np.concatenate([chunk.places.ward[chunk.places.counted] for chunk in small])
    assert len(wards) == len(np.unique(wards)) == len(np.unique(population.organisations.link))
    assert sum(len(chunk.places) for chunk in small) > len(wards)  # some ward is split between chunks


def test_every_procurement_is_in_its_commissioners_chunk(population, cut):
    assert sum(len(chunk.procurements) for chunk in cut) == len(population.procurements)
    for chunk in cut:
        commissioners = chunk.organisations.ids[chunk.procurements.link]
        expected = population.procurements.ids[np.isin(population.organisations.ids[population.procurements.link], commissioners)]
        assert sorted(chunk.procurements.ids) == sorted(expected)


def test_a_chunk_pickles_and_computes_the_same_after(cut):
    data = parse_reform(REFORM).data
    chunk = cut[1]
    again = pickle.loads(pickle.dumps(chunk))
    assert same_totals(run_chunk(again, data, PERIOD, rows=False).totals, run_chunk(chunk, data, PERIOD, rows=False).totals)


def test_another_process_computes_a_chunk_from_the_reforms_data_alone(cut):
    data = parse_reform(REFORM).data
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as worker:
        there = worker.submit(run_chunk, cut[0], data, PERIOD, False).result()
    assert same_totals(there.totals, run_chunk(cut[0], data, PERIOD, rows=False).totals)
