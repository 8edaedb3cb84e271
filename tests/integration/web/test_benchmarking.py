"""Benchmarking pages: a funnel of the areas each role may see, peers, league and spine charts."""

from __future__ import annotations

import re

import pytest

from bettercare.core.funnel import funnel_significance
from bettercare.formatting import metric_value
from bettercare.web.benchmarking.actions import (
    PeerGroupError,
    parse_peer_group_rows,
    peer_groups_load,
)
from tests.factories import (
    FIGURES,
    HAMPSHIRE,
    KENT,
    MEDWAY,
    SURREY,
    make_benchmark_world,
    make_rating,
    make_user,
)
from tests.integration.web.html import charts, text_of

pytestmark = pytest.mark.django_db

FUNNEL = f"/areas/{KENT}/metrics/admissions/benchmark/?period=2017-08"


@pytest.fixture
def world():
    return make_benchmark_world()


def expected_labels(codes: list[str]) -> dict[str, str]:
    numerators = [FIGURES[c][1] for c in codes]
    denominators = [FIGURES[c][2] for c in codes]
    rates = [n / d * 100_000 for n, d in zip(numerators, denominators, strict=True)]
    labels = funnel_significance(
        numerators, denominators, statistic="rate", multiplier=100_000, rate=rates,
        rate_type="crude",
    )  # fmt: skip
    return dict(zip(codes, labels, strict=True))


def funnel_rows(response) -> dict[str, list[str]]:
    [funnel] = [c for c in charts(response) if "funnel plot" in c["title"]]
    return {row[0]: row for row in funnel["rows"][1:]}


def test_a_regional_lead_sees_every_area_in_the_funnel_with_phe_labels(client, world):
    lead = make_user("lead", (world["region"], "regional_lead"))
    client.force_login(lead)

    response = client.get(FUNNEL)

    assert response.status_code == 200
    rows = funnel_rows(response)
    # Brighton's 3 events are suppressed; the other five are plotted.
    assert set(rows) == {"Kent", "Medway", "Surrey", "West Sussex", "Hampshire"}
    labels = expected_labels(list(FIGURES))
    for code, (name, _, _) in FIGURES.items():
        if name in rows:
            assert rows[name][3] == labels[code]
    assert rows["Kent"][3] == "High (0.001)"
    assert rows["Kent"][4] == "significantly worse"  # lower is better
    text = text_of(response)
    assert "Brighton and Hove Not shown: fewer than 8 events" in text
    assert "from 6 areas" in text
    pooled = sum(f[1] for f in FIGURES.values()) / sum(f[2] for f in FIGURES.values()) * 1e5
    assert f"Peer figure: {metric_value(pooled, 'rate', 100_000)}" in text


def test_an_icb_viewer_sees_only_their_areas_but_the_same_labels(client, world):
    viewer = make_user("viewer", (world["icb"], "viewer"))
    client.force_login(viewer)

    response = client.get(FUNNEL)

    assert response.status_code == 200
    rows = funnel_rows(response)
    assert set(rows) == {"Kent", "Medway"}
    labels = expected_labels(list(FIGURES))  # labelled against the whole region
    assert rows["Kent"][3] == labels[KENT]
    assert rows["Medway"][3] == labels[MEDWAY]
    text = text_of(response)
    for hidden in ("Surrey", "West Sussex", "Hampshire", "Brighton"):
        assert hidden not in text
    assert "4 of them not shown to you" in text


def test_the_icb_peer_set_compares_kent_with_medway_only(client, world):
    manager = make_user("manager", (world["areas"][KENT], "programme_manager"))
    client.force_login(manager)

    response = client.get(FUNNEL + "&peers=icb")

    assert response.status_code == 200
    text = text_of(response)
    # Only one of the two ICB areas is hidden from a Kent manager: Medway would be given away.
    assert "the comparison uses only the areas shown" in text
    assert text.count("Medway") == text.count("Kent and Medway ICB")  # no row for Medway
    assert "A funnel plot needs at least two areas" in text


@pytest.mark.parametrize("role", ["programme_manager", "scheme_lead", "finance_lead", "viewer"])
def test_an_area_role_sees_its_own_area_only(client, world, role):
    user = make_user("someone", (world["areas"][KENT], role))
    client.force_login(user)

    response = client.get(FUNNEL)

    assert response.status_code == 200
    rows = funnel_rows(response)
    assert set(rows) == {"Kent"}
    assert rows["Kent"][3] == expected_labels(list(FIGURES))[KENT]


def test_another_areas_benchmark_is_forbidden(client, world):
    outsider = make_user("outsider", (world["areas"][SURREY], "programme_manager"))
    client.force_login(outsider)

    assert client.get(FUNNEL).status_code == 403
    assert client.get(f"/areas/{KENT}/benchmark/?period=2017-08").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(FUNNEL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_peer_set_is_not_found_and_names_the_choices(client, world):
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(FUNNEL + "&peers=nowhere")

    assert response.status_code == 404
    assert "'region', 'icb'" in text_of(response)


def test_a_loaded_peer_group_is_a_peer_set(client, world):
    areas = world["areas"]
    rows = [
        {"group": "kent-neighbours", "name": "Kent's statistical neighbours", "anchor": KENT,
         "member": code, "source": "CIPFA nearest neighbours (test)"}
        for code in (SURREY, HAMPSHIRE)
    ]  # fmt: skip
    groups = parse_peer_group_rows(rows, file_name="peers.csv")
    peer_groups_load(groups=groups, by=None, file_name="peers.csv")
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(FUNNEL + "&peers=kent-neighbours")

    assert response.status_code == 200
    assert set(funnel_rows(response)) == {"Kent", "Surrey", "Hampshire"}
    labels = expected_labels([KENT, SURREY, HAMPSHIRE])
    assert funnel_rows(response)["Surrey"][3] == labels[SURREY]
    assert "Kent's statistical neighbours (3 areas)" in text_of(response)
    assert areas[KENT].anchored_peer_groups.get().members.count() == 2


def test_a_peer_group_file_with_an_unknown_area_is_refused_whole(world):
    rows = [
        {"group": "g", "name": "G", "member": SURREY},
        {"group": "g", "name": "G", "member": "E99999999"},
    ]
    groups = parse_peer_group_rows(rows, file_name="peers.csv")
    message = "peers.csv, group 'g': unknown area 'E99999999'"
    with pytest.raises(PeerGroupError, match=re.escape(message)):
        peer_groups_load(groups=groups, by=None, file_name="peers.csv")
    from bettercare.web.benchmarking.models import PeerGroup

    assert not PeerGroup.objects.exists()


def test_a_peer_group_row_without_a_member_names_row_and_column():
    with pytest.raises(PeerGroupError, match=r"peers.csv row 3, column member: is empty"):
        parse_peer_group_rows(
            [
                {"group": "g", "name": "G", "member": KENT},
                {"group": "g", "name": "G", "member": ""},
            ],
            file_name="peers.csv",
        )


def test_the_spine_chart_places_kent_among_its_peers(client, world):
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(f"/areas/{KENT}/benchmark/?period=2017-08")

    assert response.status_code == 200
    [spine] = [c for c in charts(response) if "compared with" in c["title"]]
    [row] = spine["rows"][1:]
    assert row[0] == "Emergency admissions 65+"
    assert row[1] == metric_value(1300 / 546_195 * 1e5, "rate", 100_000)
    assert row[5] == "High (0.001)"
    assert "benchmark/?period=2017-08&amp;peers=region" in response.content.decode()


def test_the_regional_assurance_pack_lists_the_funnel_outliers(client, world):
    make_rating(world["areas"][KENT], "Plan agreed", "G")
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(f"/regions/{world['region'].code}/assurance/board-pack.html")

    assert response.status_code == 200
    text = text_of(response)
    assert "Outliers by PHE's funnel-plot method" in text
    labels = expected_labels(list(FIGURES))
    high = [FIGURES[c][0] for c, label in labels.items() if label.startswith("High")]
    low = [FIGURES[c][0] for c, label in labels.items() if label.startswith("Low")]
    assert high
    assert "Kent (0.001)" in text
    for name in high + low:
        assert name in text
    assert "(1 not assessed)" in text  # Brighton and Hove's 3 events


def test_the_assurance_pack_with_its_outliers_is_for_regional_leads_only(client, world):
    client.force_login(make_user("viewer", (world["icb"], "viewer")))

    response = client.get(f"/regions/{world['region'].code}/assurance/board-pack.html")

    assert response.status_code == 403


def test_a_dsr_is_drawn_on_phes_dsr_funnel_from_its_bands(client, world):
    from bettercare.core.stats import dsr
    from bettercare.web.performance.models import MetricValue
    from tests.factories import make_metric

    metric = make_metric("falls", "Falls injuries 65+ (age-standardised)", unit="dsr")
    standard = [60, 40]
    bands = {
        KENT: ([300, 900], [200_000, 100_000]),
        MEDWAY: ([60, 150], [80_000, 40_000]),
        SURREY: ([100, 300], [150_000, 90_000]),
        HAMPSHIRE: ([5, 3], [150_000, 100_000]),  # 8 events: under 10, no DSR
    }
    for code, (counts, populations) in bands.items():
        MetricValue.objects.create(
            area=world["areas"][code],
            metric=metric,
            kind="actual",
            period_start="2016-04-01",
            period_end="2017-03-31",
            bands={"counts": counts, "populations": populations, "standard_population": standard},
        )
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(f"/areas/{KENT}/metrics/falls/benchmark/?period=2017-08")

    assert response.status_code == 200
    codes = list(bands)
    events = [sum(bands[c][0]) for c in codes]
    rates = [dsr(*bands[c], standard, multiplier=100_000).value for c in codes]
    expected = funnel_significance(
        events, None, statistic="rate", multiplier=100_000, rate=rates, rate_type="dsr"
    )
    rows = funnel_rows(response)
    assert rows["Kent"][3] == expected[0]
    assert rows["Medway"][3] == expected[1]
    assert rows["Surrey"][3] == expected[2]
    # Hampshire's 8 events give no DSR: listed as PHE labels it, not plotted.
    assert "Hampshire" not in rows
    assert expected[3] == "Not applicable for events less than 10 for dsrs"
    assert "Hampshire 8 250,000 – – Not applicable for events less than 10 for dsrs" in text_of(
        response
    )


def test_an_area_in_no_region_has_no_peers_and_says_so(client, world):
    from tests.factories import make_area, make_monthly_values, make_period

    alone = make_area("E06000053", "Isles of Scilly")
    make_monthly_values(alone, world["metric"], [3], first="2017-08", denominator=2_000)
    make_period(alone, "2017-08")
    client.force_login(make_user("scilly", (alone, "viewer")))

    response = client.get("/areas/E06000053/metrics/admissions/benchmark/?period=2017-08")

    assert response.status_code == 404
    assert "Isles of Scilly has no peers to compare with" in text_of(response)
