"""How a composite measure is formed is the registry's to say: validated on load, in words."""

import shutil

import pytest

from bettercare.registry import DEFINITIONS, RegistryError, composition_words, load_registry

COMPOSITE = "bcf_avoidable_admissions_composite"


def test_the_avoidable_admissions_composite_is_the_sum_of_its_four_parts():
    registry = load_registry()
    assert registry[COMPOSITE].composition == "sum_of_parts"
    assert composition_words(COMPOSITE, registry) == (
        "A composite of 4 parts: the sum of its parts' numerators over its own denominator "
        "(Resident population (ONS mid-year estimates)), so its value and interval are "
        "computed from those counts like any rate. Its parts: Unplanned hospitalisation for "
        "chronic ambulatory care sensitive conditions (all ages); Unplanned hospitalisation for "
        "asthma, diabetes and epilepsy in children; Emergency admissions for acute conditions "
        "that should not usually require hospital admission (all ages); Emergency admissions "
        "for children with lower respiratory tract infection."
    )


def test_a_metric_that_is_no_composite_has_no_words():
    registry = load_registry()
    assert composition_words("bcf_dtoc", registry) == ""
    assert composition_words("bcf_avoidable_acsc", registry) == ""
    assert composition_words("no_such_metric", registry) == ""


def copy(tmp_path, old: str, new: str):
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    path = folder / "bcf-2015-2020.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return folder


def test_a_composite_without_its_composition_is_refused(tmp_path):
    folder = copy(tmp_path, "    composition: sum_of_parts\n", "")
    with pytest.raises(RegistryError) as error:
        load_registry(folder)
    assert str(error.value) == (
        "bcf-2015-2020.yaml, metric 'bcf_avoidable_admissions_composite': a composite measure "
        "(other metrics name it as parent) needs composition, one of sum_of_parts"
    )


def test_an_unknown_composition_is_refused(tmp_path):
    folder = copy(tmp_path, "composition: sum_of_parts", "composition: average")
    with pytest.raises(
        RegistryError, match="composition must be one of sum_of_parts; got 'average'"
    ):
        load_registry(folder)


def test_a_composition_without_parts_is_refused(tmp_path):
    folder = copy(
        tmp_path,
        "  - code: bcf_falls_injuries_65\n",
        "  - code: bcf_falls_injuries_65\n    composition: sum_of_parts\n",
    )
    with pytest.raises(RegistryError, match="given but no metric names it as parent"):
        load_registry(folder)
