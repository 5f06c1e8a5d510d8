"""Scores (RULES.md §1): Child-Pugh, ALBI/mALBI, MoRAL, up-to-seven, BCLC stage, ART.

Every score returns ``insufficient_data`` with the missing inputs named when an input is not
recorded; nothing missing is ever counted as normal. Rules compare unrounded values; only the
output is rounded (ALBI 2 decimals, MoRAL and up-to-seven 1).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .case_on_date import CaseView
from .results import INSUFFICIENT, NOT_APPLICABLE, OK, jsonable, round_half_away, sorted_unique

SCORE_CP = "SCORE-CP"
SCORE_ALBI = "SCORE-ALBI"
SCORE_MORAL = "SCORE-MORAL"
SCORE_UP7 = "SCORE-UP7"
SCORE_BCLC = "SCORE-BCLC"
SCORE_ART = "SCORE-ART"

VASCULAR_PORTAL = ("vp1", "vp2", "vp3", "vp4")


# --- Child-Pugh -------------------------------------------------------------------------------


def bilirubin_points(bilirubin_mg_dl: float) -> int:
    """SCORE-CP (Pugh, Br J Surg 1973; bands as MDCalc/CCJM): < 2 → 1, 2–3 inclusive → 2, > 3 → 3."""
    if bilirubin_mg_dl < 2:
        return 1
    return 2 if bilirubin_mg_dl <= 3 else 3


def albumin_points(albumin_g_dl: float) -> int:
    """SCORE-CP (Pugh 1973): > 3.5 → 1, 2.8–3.5 inclusive → 2, < 2.8 → 3."""
    if albumin_g_dl > 3.5:
        return 1
    return 2 if albumin_g_dl >= 2.8 else 3


def inr_points(inr: float) -> int:
    """SCORE-CP (Pugh 1973): < 1.7 → 1, 1.7–2.3 inclusive → 2, > 2.3 → 3."""
    if inr < 1.7:
        return 1
    return 2 if inr <= 2.3 else 3


_ASCITES_POINTS = {"none": 1, "mild": 2, "moderate_severe": 3}
_ENCEPHALOPATHY_POINTS = {"none": 1, "grade_1_2": 2, "grade_3_4": 3}


def child_pugh_class(points: int) -> str:
    """SCORE-CP: class A 5–6, B 7–9, C 10–15."""
    if points <= 6:
        return "A"
    return "B" if points <= 9 else "C"


@dataclass(frozen=True)
class ChildPugh:
    """SCORE-CP result. ``cp_class`` is "A"/"B"/"C" or None; with items missing the status is
    insufficient_data, and ``cp_class`` is "C" only when class C is certain (known points plus one
    per missing item reach 10) — then ``points`` is None. A or B is never inferred."""

    status: str
    points: int | None
    cp_class: str | None
    items: Mapping[str, int | None]
    missing: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        """E.g. "B7"; "C" alone when class C is inferred from an incomplete score."""
        if self.cp_class is None:
            return None
        return f"{self.cp_class}{self.points}" if self.points is not None else self.cp_class

    @property
    def inferred(self) -> bool:
        return self.cp_class is not None and self.points is None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "status": self.status,
            "points": self.points,
            "class": self.cp_class,
            "label": self.label,
            "items": dict(self.items),
        }
        if self.missing:
            out["missing"] = list(self.missing)
        return out


def child_pugh_from(
    bilirubin_mg_dl: float | None,
    albumin_g_dl: float | None,
    inr: float | None,
    ascites: str | None,
    encephalopathy: str | None,
    clinical_recorded: bool = True,
) -> ChildPugh:
    """SCORE-CP from the five items (Pugh RNH et al., Br J Surg 1973;60:646–649).

    Missing items are named ``labs.<analyte>`` and ``clinical.<item>``; with no clinical record at
    all the two bedside items are named ``clinical.date`` (CASE_FORMAT.md naming rule).
    """
    items: dict[str, int | None] = {
        "bilirubin": None if bilirubin_mg_dl is None else bilirubin_points(bilirubin_mg_dl),
        "albumin": None if albumin_g_dl is None else albumin_points(albumin_g_dl),
        "inr": None if inr is None else inr_points(inr),
        "ascites": None if ascites is None else _ASCITES_POINTS[ascites],
        "encephalopathy": None if encephalopathy is None else _ENCEPHALOPATHY_POINTS[encephalopathy],
    }
    missing: list[str] = []
    if bilirubin_mg_dl is None:
        missing.append("labs.bilirubin_mg_dl")
    if albumin_g_dl is None:
        missing.append("labs.albumin_g_dl")
    if inr is None:
        missing.append("labs.inr")
    if not clinical_recorded:
        missing.append("clinical.date")
    else:
        if ascites is None:
            missing.append("clinical.ascites")
        if encephalopathy is None:
            missing.append("clinical.encephalopathy")
    known = [p for p in items.values() if p is not None]
    n_missing = len(items) - len(known)
    if n_missing == 0:
        total = sum(known)
        return ChildPugh(OK, total, child_pugh_class(total), items)
    # Class C is certain when even the best case (1 point per missing item) reaches 10.
    inferred = "C" if sum(known) + n_missing >= 10 else None
    return ChildPugh(INSUFFICIENT, None, inferred, items, sorted_unique(missing))


def child_pugh(view: CaseView, on_or_before: datetime.date | None = None) -> ChildPugh:
    """SCORE-CP at ``as_of``, or from the latest values on or before a date (the baseline of ART and
    of ON-THERAPY-LIVER): labs latest per analyte, bedside items from the latest clinical record."""
    day = view.as_of if on_or_before is None else on_or_before
    clinical = None
    for c in reversed(view.clinical):
        if c.date <= day:
            clinical = c
            break
    return child_pugh_from(
        view.latest_value("bilirubin_mg_dl", on_or_before),
        view.latest_value("albumin_g_dl", on_or_before),
        view.latest_value("inr", on_or_before),
        clinical.ascites if clinical else None,
        clinical.encephalopathy if clinical else None,
        clinical_recorded=clinical is not None,
    )


# --- ALBI -------------------------------------------------------------------------------------

ALBI_GRADE_1_MAX = -2.60
MALBI_2A_MAX = -2.27
ALBI_GRADE_2_MAX = -1.39


def albi_score(bilirubin_mg_dl: float, albumin_g_dl: float) -> float:
    """SCORE-ALBI (Johnson PJ et al., J Clin Oncol 2015;33:550–558):
    ALBI = 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L,
    with µmol/L = mg/dL × 17.1 and g/L = g/dL × 10."""
    return 0.66 * math.log10(bilirubin_mg_dl * 17.1) - 0.085 * (albumin_g_dl * 10)


def albi_grade(score: float) -> str:
    """SCORE-ALBI grade with the mALBI split of grade 2 (Hiraoka A et al., Liver Cancer 2017):
    1 ≤ −2.60 < 2a ≤ −2.27 < 2b ≤ −1.39 < 3. Compared on the unrounded score."""
    if score <= ALBI_GRADE_1_MAX:
        return "1"
    if score <= MALBI_2A_MAX:
        return "2a"
    if score <= ALBI_GRADE_2_MAX:
        return "2b"
    return "3"


@dataclass(frozen=True)
class Albi:
    status: str
    score: float | None = None  # unrounded
    grade: str | None = None
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        if self.status != OK or self.score is None:
            return {"status": self.status, "missing": list(self.missing)}
        return {"status": OK, "score": round_half_away(self.score, 2), "grade": self.grade}


def albi(view: CaseView) -> Albi:
    """SCORE-ALBI from the latest bilirubin and the latest albumin (each latest per analyte)."""
    bili = view.latest_value("bilirubin_mg_dl")
    alb = view.latest_value("albumin_g_dl")
    missing = []
    if bili is None or bili <= 0:
        missing.append("labs.bilirubin_mg_dl")
    if alb is None:
        missing.append("labs.albumin_g_dl")
    if missing or bili is None or alb is None:
        return Albi(INSUFFICIENT, missing=tuple(missing))
    score = albi_score(bili, alb)
    return Albi(OK, score, albi_grade(score))


# --- MoRAL ------------------------------------------------------------------------------------


def moral_value(afp_ng_ml: float, pivka_mau_ml: float) -> float:
    """SCORE-MORAL (Lee et al., 2016; formula as in Yoo et al., Liver Int 2020):
    MoRAL = 11 × √PIVKA-II (mAU/mL) + 2 × √AFP (ng/mL)."""
    return 11 * math.sqrt(pivka_mau_ml) + 2 * math.sqrt(afp_ng_ml)


@dataclass(frozen=True)
class Moral:
    status: str
    value: float | None = None  # unrounded
    date: datetime.date | None = None  # date of the marker pair
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        if self.status != OK or self.value is None:
            return {"status": self.status, "missing": list(self.missing)}
        return {"status": OK, "value": round_half_away(self.value, 1), "date": jsonable(self.date)}


def marker_missing(view: CaseView) -> tuple[str, ...]:
    """Names for a missing AFP + PIVKA-II pair: the analyte(s) never recorded, or both when each
    is recorded but never on the same date."""
    missing = []
    if not view.series("afp_ng_ml"):
        missing.append("labs.afp_ng_ml")
    if not view.series("pivka_mau_ml"):
        missing.append("labs.pivka_mau_ml")
    return tuple(missing) or ("labs.afp_ng_ml", "labs.pivka_mau_ml")


def moral(view: CaseView) -> Moral:
    """SCORE-MORAL from the latest date carrying both AFP and PIVKA-II."""
    pairs = view.marker_pairs()
    if not pairs:
        return Moral(INSUFFICIENT, missing=marker_missing(view))
    d, afp, pivka = pairs[-1]
    return Moral(OK, moral_value(afp, pivka), d)


# --- up-to-seven ------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpToSeven:
    status: str
    value: float | None = None
    within: bool | None = None
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        if self.status == NOT_APPLICABLE:
            return {"status": NOT_APPLICABLE}
        if self.status != OK or self.value is None:
            return {"status": self.status, "missing": list(self.missing)}
        return {"status": OK, "value": round_half_away(self.value, 1), "within": self.within}


def up_to_seven(view: CaseView) -> UpToSeven:
    """SCORE-UP7 (Mazzaferro V et al., Lancet Oncol 2009;10:35–43): largest nodule (cm) + number of
    nodules, within criteria when ≤ 7, from the latest imaging.

    Ambiguity, safer reading: with nodule_count 0 (no viable tumour) the criterion does not apply
    (``not_applicable``) rather than reporting a reassuring "within".
    """
    img = view.latest_imaging
    if img is None:
        return UpToSeven(INSUFFICIENT, missing=("imaging.date",))
    if img.nodule_count == 0:
        return UpToSeven(NOT_APPLICABLE)
    missing = []
    if img.nodule_count is None:
        missing.append("imaging.nodule_count")
    if img.largest_cm is None:
        missing.append("imaging.largest_cm")
    if missing or img.nodule_count is None or img.largest_cm is None:
        return UpToSeven(INSUFFICIENT, missing=tuple(missing))
    value = img.largest_cm + img.nodule_count
    return UpToSeven(OK, value, value <= 7)


# --- BCLC -------------------------------------------------------------------------------------

BCLC_CP_B_NOTE = "BCLC stages 0 to C assume preserved liver function; this patient is Child-Pugh B."


@dataclass(frozen=True)
class Bclc:
    status: str
    stage: str | None = None
    missing: tuple[str, ...] = ()
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"status": self.status}
        if self.status == OK:
            out["stage"] = self.stage
        if self.missing:
            out["missing"] = list(self.missing)
        if self.note:
            out["note"] = self.note
        return out


def shows_vascular_invasion(portal: str | None, hepatic: bool | None) -> bool:
    """Vascular invasion: portal vein Vp1–Vp4 or hepatic vein invasion (RULES.md §1, §2)."""
    return portal in VASCULAR_PORTAL or hepatic is True


def bclc(view: CaseView, cp: ChildPugh) -> Bclc:
    """SCORE-BCLC (Reig M et al., J Hepatol 2022;76:681–693), simplified as in RULES.md §1:
    first match wins — D (Child-Pugh C or ECOG ≥ 3); unknown class/ECOG → insufficient; C (ECOG 1–2,
    vascular invasion or extrahepatic spread on the latest imaging); imaging incomplete →
    insufficient; no viable tumour → not_applicable; 0 / A / B by nodules and size.
    """
    ecog = view.patient.ecog
    if cp.cp_class == "C" or (ecog is not None and ecog >= 3):
        return Bclc(OK, "D")
    if cp.cp_class is None or ecog is None:
        missing = list(cp.missing) if cp.cp_class is None else []
        if ecog is None:
            missing.append("patient.ecog")
        return Bclc(INSUFFICIENT, missing=sorted_unique(missing))
    note = BCLC_CP_B_NOTE if cp.cp_class == "B" else None
    img = view.latest_imaging
    if ecog in (1, 2):
        return Bclc(OK, "C", note=note)
    if img is not None and (
        shows_vascular_invasion(img.portal_vein_invasion, img.hepatic_vein_invasion)
        or img.extrahepatic_spread is True
    ):
        return Bclc(OK, "C", note=note)
    if img is None:
        return Bclc(INSUFFICIENT, missing=("imaging.date",), note=note)
    missing = []
    if img.portal_vein_invasion is None:
        missing.append("imaging.portal_vein_invasion")
    if img.hepatic_vein_invasion is None:
        missing.append("imaging.hepatic_vein_invasion")
    if img.extrahepatic_spread is None:
        missing.append("imaging.extrahepatic_spread")
    if img.nodule_count is None:
        missing.append("imaging.nodule_count")
    elif img.nodule_count > 0 and img.largest_cm is None:
        missing.append("imaging.largest_cm")
    if missing or img.nodule_count is None:
        return Bclc(INSUFFICIENT, missing=sorted_unique(missing), note=note)
    if img.nodule_count == 0:
        return Bclc(NOT_APPLICABLE, note=note)
    largest = img.largest_cm if img.largest_cm is not None else 0.0
    if img.nodule_count == 1:
        stage = "0" if largest <= 2 else "A"
    elif img.nodule_count <= 3 and largest <= 3:
        stage = "A"
    else:
        stage = "B"
    return Bclc(OK, stage, note=note)


# --- ART --------------------------------------------------------------------------------------

ART_AST_RISE = 4.0
ART_CP_RISE_1 = 1.5
ART_CP_RISE_2 = 3.0
ART_NO_RESPONSE = 1.0


# ART was validated for the decision before the second TACE (change L).
ART_CAVEAT_VALIDATED_BEFORE_SECOND_TACE = "validated_before_second_tace"


@dataclass(frozen=True)
class Art:
    status: str
    points: float | None = None
    items: Mapping[str, float] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    caveat: str | None = None

    @property
    def interpretation(self) -> str | None:
        """0–1.5: retreatment may benefit; ≥ 2.5: poor prognosis with retreatment. None with the
        caveat: past the second TACE the score is shown without that reading."""
        if self.points is None or self.caveat is not None:
            return None
        return "retreatment_may_benefit" if self.points <= 1.5 else "poor_prognosis"

    def to_dict(self) -> dict[str, object]:
        if self.status == NOT_APPLICABLE:
            return {"status": NOT_APPLICABLE}
        if self.status != OK or self.points is None:
            return {"status": self.status, "missing": list(self.missing)}
        reading: dict[str, object] = (
            {"caveat": self.caveat} if self.caveat is not None else {"interpretation": self.interpretation}
        )
        return {
            "status": OK,
            "points": _number(self.points),
            **reading,
            "items": {k: _number(v) for k, v in self.items.items()},
        }


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def art(view: CaseView, cp_now: ChildPugh) -> Art:
    """SCORE-ART before a repeat TACE (Sieghart W et al., Hepatology 2013;57:2261–2273).

    Baseline = latest values on or before the first TACE; now = latest values at as_of.
    AST rise > 25 % → 4; Child-Pugh rise of 1 point → 1.5, ≥ 2 points → 3; most recent assessed
    session without CR/PR → 1 (recorded responses only). The original used EASL response; we use
    the recorded mRECIST. A Child-Pugh fall scores 0. ART was validated for the decision before the
    second TACE: with two or more sessions on record the score carries that caveat instead of the
    retreatment reading (change L).
    """
    first = view.first_tace
    if first is None:
        return Art(NOT_APPLICABLE)
    f = first.date
    missing: list[str] = []
    cp_base = child_pugh(view, f)
    if cp_base.points is None:
        missing.extend(cp_base.missing)
    if cp_now.points is None:
        missing.extend(cp_now.missing)
    ast_base = view.latest_value("ast_u_l", f)
    ast_now = view.latest_value("ast_u_l")
    if ast_base is None or ast_now is None:
        missing.append("labs.ast_u_l")
    assessed = view.assessed_sessions
    if not assessed:
        missing.append("tace_sessions.response")
    if missing or cp_base.points is None or cp_now.points is None:
        return Art(INSUFFICIENT, missing=sorted_unique(missing))
    assert ast_base is not None and ast_now is not None
    ast_pts = ART_AST_RISE if ast_now > 1.25 * ast_base else 0.0
    rise = cp_now.points - cp_base.points
    cp_pts = ART_CP_RISE_2 if rise >= 2 else ART_CP_RISE_1 if rise == 1 else 0.0
    resp_pts = ART_NO_RESPONSE if assessed[-1].response not in ("CR", "PR") else 0.0
    items = {"ast_rise": ast_pts, "child_pugh_rise": cp_pts, "no_response": resp_pts}
    caveat = ART_CAVEAT_VALIDATED_BEFORE_SECOND_TACE if len(view.sessions) >= 2 else None
    return Art(OK, ast_pts + cp_pts + resp_pts, items, caveat=caveat)


__all__ = [
    "Albi",
    "Art",
    "Bclc",
    "ChildPugh",
    "Moral",
    "UpToSeven",
    "albi",
    "albi_grade",
    "albi_score",
    "albumin_points",
    "art",
    "bclc",
    "bilirubin_points",
    "child_pugh",
    "child_pugh_class",
    "child_pugh_from",
    "inr_points",
    "moral",
    "moral_value",
    "up_to_seven",
]
