"""The registry's YAML read with libyaml (fast) gives what PyYAML's safe_load gives."""

from pathlib import Path

import pytest
import yaml

from bettercare.registry import _FAST_LOADER, DEFINITIONS, RegistryError, load_registry


def test_the_fast_loader_reads_every_registry_file_as_safe_load_does():
    files = sorted(Path(DEFINITIONS).glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=_FAST_LOADER) == yaml.safe_load(text), path.name


def test_invalid_yaml_is_refused_with_pure_yamls_message_naming_the_file_and_line(tmp_path):
    text = "defined_by: me\nmetrics: [unclosed\n"
    (tmp_path / "broken.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(text)
    with pytest.raises(RegistryError) as refused:
        load_registry(tmp_path)
    assert str(refused.value) == f"broken.yaml: not valid YAML: {expected.value}"
    assert "line 3" in str(refused.value)
