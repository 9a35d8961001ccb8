"""Settings: one place for each default, the shipped params.yaml in step with it."""

from __future__ import annotations

import dataclasses

import pytest

from newscope.config import PARAMS_FILE, ConfigError, Settings, load_settings, report_params


def test_shipped_params_are_the_defaults_but_the_alias_file():
    shipped = load_settings(PARAMS_FILE)
    assert shipped.entities.aliases == "aliases.yaml"
    shipped.entities.aliases = None
    assert dataclasses.asdict(shipped) == dataclasses.asdict(Settings())


def test_report_params_apply_and_check_overrides():
    assert report_params("entity_frequency", {"top_n": 5})["top_n"] == 5
    assert report_params("entity_frequency")["n_boot"] == Settings().entity_frequency.n_boot
    with pytest.raises(ConfigError, match="entity_frequency: unknown key"):
        report_params("entity_frequency", {"top": 5})
    with pytest.raises(ConfigError, match="entity_frequency.top_n: expected int"):
        report_params("entity_frequency", {"top_n": "many"})


@pytest.mark.parametrize("overrides, message", [
    ({"top_n": -3}, "entity_frequency.top_n: must be at least 1, got -3"),
    ({"n_boot": 0}, "entity_frequency.n_boot: must be at least 1"),
    ({"period": "month"}, "entity_frequency.period: must be one of auto, D, W, M, Q, Y, got 'month'"),
])
def test_out_of_range_report_params_are_refused(overrides, message):
    with pytest.raises(ConfigError, match=message):
        report_params("entity_frequency", overrides)


def test_out_of_range_settings_in_the_file_name_the_key(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("nlp:\n  batch_size: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="params.yaml.nlp.batch_size: must be at least 1"):
        load_settings(params)
