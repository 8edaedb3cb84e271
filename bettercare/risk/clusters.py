"""The code clusters: which diagnosis codes mean which condition or frailty deficit.

Codes are ICD-10 (hospital and primary care diagnoses mapped to ICD-10), written without the
dot and in capitals; a record's code belongs to a cluster when it starts with one of the
cluster's prefixes (``I500`` is in ``heart_failure`` by its prefix ``I50``). The long-term
condition list follows the conditions of the Quality and Outcomes Framework registers and
Barnett et al. (Lancet 2012) multimorbidity counts; the frailty deficits are twelve of the
thirty-six deficits of the electronic frailty index (Clegg et al., Age Ageing 2016), those
with a clear ICD-10 expression. A code in no cluster is an input error: the clusters are the
published definition of what the model reads.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CLUSTERS",
    "DEFICITS",
    "HOSPITAL_DOMINANT",
    "LONG_TERM_CONDITIONS",
    "Cluster",
    "cluster_of_code",
    "normalise_code",
]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A named set of diagnosis codes, by prefix."""

    name: str
    label: str
    prefixes: tuple[str, ...]
    kind: str  # "ltc" (a long-term condition), "register" or "deficit"

    def matches(self, code: str) -> bool:
        """Whether the normalised ``code`` is in this cluster."""
        return code.startswith(self.prefixes)


_LTC = (
    Cluster("asthma", "Asthma", ("J45", "J46"), "ltc"),
    Cluster("atrial_fibrillation", "Atrial fibrillation", ("I48",), "ltc"),
    Cluster("cancer", "Cancer", ("C18", "C34", "C50", "C61", "C67", "C90"), "ltc"),
    Cluster("chd", "Coronary heart disease", ("I20", "I21", "I22", "I24", "I25"), "ltc"),
    Cluster("ckd", "Chronic kidney disease (stage 3-5)", ("N183", "N184", "N185"), "ltc"),
    Cluster("copd", "COPD", ("J43", "J44"), "ltc"),
    Cluster("dementia", "Dementia", ("F00", "F01", "F02", "F03", "G30"), "ltc"),
    Cluster("depression", "Depression", ("F32", "F33"), "ltc"),
    Cluster("diabetes", "Diabetes", ("E10", "E11"), "ltc"),
    Cluster("epilepsy", "Epilepsy", ("G40",), "ltc"),
    Cluster("heart_failure", "Heart failure", ("I50", "I110"), "ltc"),
    Cluster("hypertension", "Hypertension", ("I10",), "ltc"),
    Cluster("serious_mental_illness", "Serious mental illness", ("F20", "F25", "F31"), "ltc"),
    Cluster("stroke", "Stroke or TIA", ("I63", "I64", "G45"), "ltc"),
)
_REGISTERS = (
    # Diabetes with a coded complication (E10.2-E10.7, E11.2-E11.7): kidney, eye, nerve,
    # circulatory and multiple complications. These codes are also in the diabetes cluster.
    Cluster(
        "diabetes_complication",
        "Diabetes with a complication",
        tuple(f"E1{kind}{detail}" for kind in (0, 1) for detail in range(2, 8)),
        "register",
    ),
    Cluster("end_of_life", "Palliative or end-of-life care", ("Z515",), "register"),
)
_DEFICITS = (
    Cluster("deficit_falls", "Falls", ("W19", "R296"), "deficit"),
    Cluster("deficit_mobility", "Mobility and transfer problems", ("R26",), "deficit"),
    Cluster("deficit_urinary_incontinence", "Urinary incontinence", ("R32", "N393"), "deficit"),
    Cluster("deficit_visual_impairment", "Visual impairment", ("H54",), "deficit"),
    Cluster("deficit_hearing_impairment", "Hearing impairment", ("H90", "H91"), "deficit"),
    Cluster("deficit_memory", "Memory and cognitive problems", ("R41",), "deficit"),
    Cluster("deficit_osteoporosis", "Osteoporosis", ("M80", "M81"), "deficit"),
    Cluster("deficit_arthritis", "Arthritis", ("M15", "M16", "M17", "M19"), "deficit"),
    Cluster("deficit_housebound", "Housebound or needs care", ("Z74",), "deficit"),
    Cluster("deficit_weight_loss", "Weight loss and anorexia", ("R63", "E46"), "deficit"),
    Cluster("deficit_dizziness", "Dizziness and syncope", ("R42", "R55"), "deficit"),
    Cluster("deficit_skin_ulcer", "Skin ulcer", ("L89", "L97"), "deficit"),
)

CLUSTERS: tuple[Cluster, ...] = (*_LTC, *_REGISTERS, *_DEFICITS)
LONG_TERM_CONDITIONS: tuple[str, ...] = tuple(cluster.name for cluster in _LTC)
DEFICITS: tuple[str, ...] = tuple(cluster.name for cluster in _DEFICITS)
#: Conditions whose care is mostly in hospital (BCF cohort 5).
HOSPITAL_DOMINANT: tuple[str, ...] = ("cancer", "ckd", "copd", "heart_failure")
#: Of the eFI's 36 deficits we read 12; a person with 3 or more (a score of 0.25 on our
#: 12, beside the eFI's moderate frailty cut-off of 0.24) has a positive frailty flag.
FRAILTY_FLAG_DEFICITS = 3


def normalise_code(code: str) -> str:
    """A diagnosis code in the clusters' spelling: no dot, no spaces, capitals.

    >>> normalise_code(" i50.0 ")
    'I500'
    """
    return code.replace(".", "").strip().upper()


def cluster_of_code(code: str) -> tuple[str, ...]:
    """The names of the clusters a (raw) code belongs to, in cluster order.

    >>> cluster_of_code("E11.3")
    ('diabetes', 'diabetes_complication')
    """
    normal = normalise_code(code)
    return tuple(cluster.name for cluster in CLUSTERS if cluster.matches(normal))
