"""docs/risk.md names every feature and every cluster with its codes."""

from pathlib import Path

from bettercare.risk.clusters import CLUSTERS
from bettercare.risk.schema import FEATURES, INPUTS
from bettercare.risk.scoring import COHORTS

DOCUMENT = (Path(__file__).resolve().parents[3] / "docs" / "risk.md").read_text()


def test_every_feature_cluster_input_and_cohort_is_documented():
    clusters = {cluster.name for cluster in CLUSTERS}
    for feature in FEATURES:
        if feature.name not in clusters:
            assert f"| `{feature.name}` |" in DOCUMENT, feature.name
    for cluster in CLUSTERS:
        assert (
            f"| `{cluster.name}` | {cluster.label} | {cluster.kind} | {', '.join(cluster.prefixes)} |"
            in DOCUMENT
        )
    for name, columns in INPUTS.items():
        assert f"| `{name}` |" in DOCUMENT
        for column in columns:
            assert f"`{column.name}`" in DOCUMENT
    for cohort in COHORTS:
        assert f"| `{cohort}` |" in DOCUMENT
