"""Small populations for impact tests, and a population's rows written back as an ordinary situation."""

import datetime

import numpy as np
from openfisca_core.indexed_enums import Enum

from kruger_rules.population.generate import generate, write
from kruger_rules.population.places import PLACE_INPUTS

SMALL_ORGANISATIONS, SMALL_SEED = 3000, 5
PERIOD = "2024"


def write_small_population(directory, organisations: int = SMALL_ORGANISATIONS, seed: int = SMALL_SEED):
    """A generated population (every organisation type, procurements included) as Parquet in ``directory``."""
    path = directory / "small.parquet"
    write(generate(organisations, seed), path)
    return path


def json_value(variable, value):
    """An input array's value as a situation gives it."""
    if variable.value_type is Enum:
        return list(variable.possible_values)[int(value)].name
    if variable.value_type is datetime.date:
        return str(np.datetime64(value, "D"))
    return variable.value_type(value.item() if hasattr(value, "item") else value)


def situation_of(system, population, organisation_rows, procurement_rows) -> dict:
    """The organisations at ``organisation_rows`` and the procurements at ``procurement_rows`` (each with a copy of
    its commissioner, ``c<procurement id>``), with their places, as a situation in the OpenFisca web-API shape."""
    organisations_, procurements_ = population.organisations, population.procurements
    wards = population.wards.reset_index(drop=True)
    organisations, places, procurements = {}, {}, {}

    def add_organisation(key: str, row: int) -> None:
        organisations[key] = {name: json_value(system.variables[name], values[row]) for name, values in organisations_.inputs.items()}
        ward = int(organisations_.link[row])
        place = places.setdefault(f"w{ward}", {"members": []})
        place["members"].append(key)
        for name in PLACE_INPUTS:
            value = wards.loc[ward, name]
            place[name] = str(value) if name == "region" else int(value)

    for row in organisation_rows:
        add_organisation(f"o{organisations_.ids[row]}", int(row))
    for row in procurement_rows:
        commissioner = f"c{procurements_.ids[row]}"
        add_organisation(commissioner, int(procurements_.link[row]))
        facts = {name: json_value(system.variables[name], values[row]) for name, values in procurements_.inputs.items()}
        procurements[f"p{procurements_.ids[row]}"] = {"commissioner": commissioner, **facts}
    return {"organisations": organisations, "places": places, "procurements": procurements}
