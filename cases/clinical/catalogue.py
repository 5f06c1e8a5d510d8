"""The rule catalogue as data: one entry per rule id of the rule book (RULES.md, rule set kr-2022.2).

Each entry has a title and a plain-language explanation written in the project's own words, the
source in long citation form, the short citation shown on flags, an evidence note, — for rules
that can raise a flag — the flag's sentence, and — where the rule book leaves a case open — the
reading this tool takes (shown on the Rules page and in docs/RULES.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .vocab import RULE_SET

# --- sources ----------------------------------------------------------------------------------

KLCA = "KLCA-NCC 2022"

SOURCES: Final[dict[str, str]] = {
    KLCA: "Korean Liver Cancer Association–National Cancer Center (KLCA-NCC). 2022 KLCA-NCC Korea "
    "practice guidelines for the management of hepatocellular carcinoma. Korean J Radiol "
    "2022;23(12):1126–1240.",
    "Child-Pugh (Pugh 1973)": "Pugh RNH, Murray-Lyon IM, Dawson JL, Pietroni MC, Williams R. "
    "Transection of the oesophagus for bleeding oesophageal varices. Br J Surg 1973;60(8):646–649 "
    "(point bands as used by MDCalc and the Cleveland Clinic Journal of Medicine).",
    "ALBI (Johnson, JCO 2015)": "Johnson PJ, Berhane S, Kagebayashi C, et al. Assessment of liver "
    "function in patients with hepatocellular carcinoma: a new evidence-based approach — the ALBI "
    "grade. J Clin Oncol 2015;33(6):550–558.",
    "mALBI (Hiraoka, Liver Cancer 2017)": "Hiraoka A, Michitaka K, Kumada T, et al. Validation and "
    "potential of albumin-bilirubin grade and prognostication in a nationwide survey of 46,681 "
    "hepatocellular carcinoma patients in Japan: the need for a more detailed evaluation of hepatic "
    "function. Liver Cancer 2017;6(4):325–336.",
    "MoRAL (Lee, 2016)": "Lee JH, Cho Y, Kim HY, et al. Serum tumor markers provide refined "
    "prognostication in selecting liver transplantation candidate for hepatocellular carcinoma "
    "patients beyond the Milan criteria. Ann Surg 2016;263(5):842–850. Formula as applied in "
    "Yoo et al., Liver Int 2020.",
    "up-to-seven (Mazzaferro, Lancet Oncol 2009)": "Mazzaferro V, Llovet JM, Miceli R, et al. "
    "Predicting survival after liver transplantation in patients with hepatocellular carcinoma "
    "beyond the Milan criteria: a retrospective, exploratory analysis. Lancet Oncol "
    "2009;10(1):35–43.",
    "BCLC 2022 (Reig, J Hepatol 2022)": "Reig M, Forner A, Rimola J, et al. BCLC strategy for "
    "prognosis prediction and treatment recommendation: the 2022 update. J Hepatol "
    "2022;76(3):681–693.",
    "ART (Sieghart, Hepatology 2013)": "Sieghart W, Hucke F, Pinter M, et al. The ART of decision "
    "making: retreatment with transarterial chemoembolization in patients with hepatocellular "
    "carcinoma. Hepatology 2013;57(6):2261–2273.",
    "IMbrave150": "Finn RS, Qin S, Ikeda M, et al. Atezolizumab plus bevacizumab in unresectable "
    "hepatocellular carcinoma. N Engl J Med 2020;382(20):1894–1905; Cheng AL, Qin S, Ikeda M, et al. "
    "Updated efficacy and safety data from IMbrave150. J Hepatol 2022;76(4):862–873.",
    "HIMALAYA": "Abou-Alfa GK, Lau G, Kudo M, et al. Tremelimumab plus durvalumab in unresectable "
    "hepatocellular carcinoma. NEJM Evid 2022;1(8):EVIDoa2100070.",
    "ASCO 2024": "Gordan JD, Kennedy EB, Abou-Alfa GK, et al. Systemic therapy for advanced "
    "hepatocellular carcinoma: ASCO guideline update. J Clin Oncol 2024;42(15):1830–1850.",
    "REFLECT": "Kudo M, Finn RS, Qin S, et al. Lenvatinib versus sorafenib in first-line treatment of "
    "patients with unresectable hepatocellular carcinoma: a randomised phase 3 non-inferiority "
    "trial. Lancet 2018;391(10126):1163–1173.",
    "SHARP": "Llovet JM, Ricci S, Mazzaferro V, et al. Sorafenib in advanced hepatocellular "
    "carcinoma. N Engl J Med 2008;359(4):378–390.",
    "RESORCE": "Bruix J, Qin S, Merle P, et al. Regorafenib for patients with hepatocellular "
    "carcinoma who progressed on sorafenib treatment (RESORCE): a randomised, double-blind, "
    "placebo-controlled, phase 3 trial. Lancet 2017;389(10064):56–66.",
    "CELESTIAL": "Abou-Alfa GK, Meyer T, Cheng AL, et al. Cabozantinib in patients with advanced "
    "and progressing hepatocellular carcinoma. N Engl J Med 2018;379(1):54–63.",
    "KEYNOTE-240": "Finn RS, Ryoo BY, Merle P, et al. Pembrolizumab as second-line therapy in "
    "patients with advanced hepatocellular carcinoma in KEYNOTE-240: a randomized, double-blind, "
    "phase III trial. J Clin Oncol 2020;38(3):193–202.",
    "REACH-2": "Zhu AX, Kang YK, Yen CJ, et al. Ramucirumab after sorafenib in patients with "
    "advanced hepatocellular carcinoma and increased α-fetoprotein concentrations (REACH-2): a "
    "randomised, double-blind, placebo-controlled, phase 3 trial. Lancet Oncol "
    "2019;20(2):282–296.",
    "SPACE": "Lencioni R, Llovet JM, Han G, et al. Sorafenib or placebo plus TACE with "
    "doxorubicin-eluting beads for intermediate stage HCC: the SPACE trial. J Hepatol "
    "2016;64(5):1090–1098.",
    "TACE-2": "Meyer T, Fox R, Ma YT, et al. Sorafenib in combination with transarterial "
    "chemoembolisation in patients with unresectable hepatocellular carcinoma (TACE 2): a "
    "randomised placebo-controlled, double-blind, phase 3 trial. Lancet Gastroenterol Hepatol "
    "2017;2(8):565–575.",
    "ORIENTAL": "Kudo M, Cheng AL, Park JW, et al. Orantinib versus placebo combined with "
    "transcatheter arterial chemoembolisation in patients with unresectable hepatocellular "
    "carcinoma (ORIENTAL): a randomised, double-blind, placebo-controlled, multicentre, phase 3 "
    "study. Lancet Gastroenterol Hepatol 2018;3(1):37–46.",
    "TACTICS-L": "Kudo M, Ueshima K, Saeki I, et al. A phase 2, prospective, multicenter, single-arm "
    "trial of transarterial chemoembolization therapy in combination strategy with lenvatinib in "
    "patients with unresectable intermediate-stage hepatocellular carcinoma: TACTICS-L trial. "
    "Liver Cancer 2024;13(1):99–112.",
    "LAUNCH": "Peng Z, Fan W, Zhu B, et al. Lenvatinib combined with transarterial "
    "chemoembolization as first-line treatment for advanced hepatocellular carcinoma: a phase III, "
    "randomized clinical trial (LAUNCH). J Clin Oncol 2023;41(1):117–127.",
    "LEAP-012": "Kudo M, Ren Z, Guo Y, et al. Transarterial chemoembolisation combined with "
    "lenvatinib plus pembrolizumab versus dual placebo for unresectable, non-metastatic "
    "hepatocellular carcinoma (LEAP-012): a multicentre, randomised, double-blind, phase 3 study. "
    "Lancet 2025;405(10474):203–215.",
    "EMERALD-1": "Sangro B, Kudo M, Erinjeri JP, et al. Durvalumab with or without bevacizumab with "
    "transarterial chemoembolisation in hepatocellular carcinoma (EMERALD-1): a multiregional, "
    "randomised, double-blind, placebo-controlled, phase 3 study. Lancet 2025;405(10474):216–232 "
    "(first presented by Lencioni R, ASCO GI 2024).",
    "KEYNOTE-394": "Qin S, Chen Z, Fang W, et al. Pembrolizumab versus placebo as second-line "
    "therapy in patients from Asia with advanced hepatocellular carcinoma: a randomized, "
    "double-blind, phase III trial. J Clin Oncol 2023;41(7):1434–1443.",
    "Product labels": "Lenvatinib (LENVIMA) and sorafenib (NEXAVAR) prescribing information.",
    "Source review": "Conversion therapy in hepatocellular carcinoma after TACE: systemic therapy "
    "considerations (review article, last updated 2026-01-17), summarising KLCA-NCC 2022 and "
    "conversion-therapy studies.",
}


@dataclass(frozen=True)
class Rule:
    """One rule: id, title, plain explanation (our words), long source, evidence note.

    ``citation`` is the short source shown on flags; ``flag`` the flag's sentence, when the rule
    can raise a flag; ``reading`` the reading taken where the rule book leaves a case open."""

    id: str
    title: str
    explanation: str
    source: str
    evidence: str
    citation: str = KLCA
    flag: str = ""
    reading: str = ""


def _src(*short: str) -> str:
    return " ".join(SOURCES[s] for s in short)


def _r(
    id: str,
    title: str,
    explanation: str,
    sources: tuple[str, ...],
    evidence: str,
    flag: str = "",
    reading: str = "",
) -> Rule:
    return Rule(id, title, explanation, _src(*sources), evidence, "; ".join(sources), flag, reading)


# A clinical caveat, not a study result: it belongs to TR-NORESP only (not to invasion or spread).
TR_NOTE: Final = (
    "Not every patient who failed to respond to two sessions fails the next one: a further TACE "
    "still works for some. The verdict supports the board; the board decides."
)

COMBO_EVIDENCE: Final = (
    "TACE combined with systemic therapy is not part of the guidelines; offer it within a clinical "
    "trial. TACTICS-L (TACE + lenvatinib, phase 2): median PFS 28.0 months, complete response "
    "67.7 %. LAUNCH (TACE + lenvatinib vs lenvatinib, advanced HCC): median OS 17.8 vs 11.5 months. "
    "TACE + lenvatinib + PD-1 inhibitor vs TACE + sorafenib (source review): median OS 26.7 vs "
    "14.4 months. LEAP-012 (TACE + lenvatinib + pembrolizumab vs TACE): median PFS 14.6 vs 10.0 "
    "months. EMERALD-1 (TACE + durvalumab + bevacizumab vs TACE): median PFS 15.0 vs 8.2 months. "
    "LEAP-012 and EMERALD-1 report progression-free survival; neither has shown an overall "
    "survival benefit."
)

# Conversion outcomes belong to ALG-5 (reassess for resection), not to the combinations' evidence.
CONVERSION_EVIDENCE: Final = (
    "Reported conversion after TACE + TKI + PD-1 inhibitor (source review): 42 % vs 10 % with TACE "
    "alone. In the reported series, after conversion and resection: overall survival 90 % / 58 % / "
    "42 % at 1 / 2 / 5 years; biliary leak 7 %, liver failure 3 %."
)

IMBRAVE_BLEEDING: Final = (
    "IMbrave150: upper gastrointestinal bleeding in about 7 % on atezolizumab + bevacizumab vs "
    "4.5 % on sorafenib."
)

_RULE_LIST: Final[tuple[Rule, ...]] = (
    # §1 scores
    _r(
        "SCORE-CP",
        "Child-Pugh score",
        "Adds 1 to 3 points for each of bilirubin, albumin, INR, ascites and encephalopathy. Class A "
        "is 5–6 points, B 7–9, C 10–15. When items are missing the score is incomplete; class C is "
        "still certain when the known points plus one point per missing item reach 10.",
        ("Child-Pugh (Pugh 1973)",),
        "Bands: bilirubin < 2 / 2–3 / > 3 mg/dL; albumin > 3.5 / 2.8–3.5 / < 2.8 g/dL; INR < 1.7 / "
        "1.7–2.3 / > 2.3.",
    ),
    _r(
        "SCORE-ALBI",
        "ALBI grade (with mALBI)",
        "A liver function grade from bilirubin and albumin only. Grade 1 is the best preserved "
        "function; grade 2 is split into 2a and 2b (mALBI) at −2.27; grade 3 is the worst.",
        ("ALBI (Johnson, JCO 2015)", "mALBI (Hiraoka, Liver Cancer 2017)"),
        "ALBI = 0.66 × log10(bilirubin µmol/L) − 0.085 × albumin g/L; cut-offs −2.60, −2.27, −1.39.",
    ),
    _r(
        "SCORE-MORAL",
        "MoRAL score",
        "Combines the two tumor markers, PIVKA-II and AFP, drawn on the same day, into one number "
        "that tracks tumor biology.",
        ("MoRAL (Lee, 2016)",),
        "MoRAL = 11 × √PIVKA-II (mAU/mL) + 2 × √AFP (ng/mL).",
    ),
    _r(
        "SCORE-UP7",
        "Up-to-seven criterion",
        "The size of the largest nodule in centimetres plus the number of nodules; a sum of 7 or "
        "less is within the criterion.",
        ("up-to-seven (Mazzaferro, Lancet Oncol 2009)",),
        "Defined for transplant outcomes beyond Milan; widely used to split intermediate-stage HCC.",
    ),
    _r(
        "SCORE-BCLC",
        "BCLC stage (simplified)",
        "Stages the cancer from liver function, performance status and the latest imaging: D with "
        "Child-Pugh C or ECOG 3–4; C with ECOG 1–2, vascular invasion or spread outside the liver; "
        "otherwise 0, A or B by number and size of nodules. Stages 0 to C assume preserved liver "
        "function.",
        ("BCLC 2022 (Reig, J Hepatol 2022)",),
        "Simplified for the tool; the full BCLC 2022 scheme also weighs clinical judgement.",
    ),
    _r(
        "SCORE-ART",
        "ART score before a repeat TACE",
        "Scores the rise in AST and in Child-Pugh points since before the first TACE, and the lack "
        "of response at the last assessed session. 0–1.5 points: a further TACE may help; 2.5 or "
        "more: poor outlook with a further TACE.",
        ("ART (Sieghart, Hepatology 2013)",),
        "AST rise > 25 %: 4 points; Child-Pugh rise of 1 point: 1.5, of 2 or more: 3; no "
        "radiological response: 1. Developed with EASL response; the tool uses the recorded mRECIST. "
        "Validated for the decision before the second TACE only.",
        reading="With two or more sessions on record the score is shown with the caveat that it was "
        "validated before the second TACE, and without the retreatment reading. The response item "
        "reads recorded responses only.",
    ),
    # §2 refractoriness
    _r(
        "TR-NORESP",
        "No objective response after repeated TACE",
        "The two most recent sessions with an assessed response both show stable or progressive "
        "disease, and they were done within six months (183 days) of each other. After a single "
        "session it is too early to tell: reassess after the next one. " + TR_NOTE,
        (KLCA,),
        "KLCA-NCC 2022 definition of TACE refractoriness: no objective response (CR or PR) after "
        "two or more on-demand sessions within six months.",
        reading="Pending and not-evaluable responses are skipped. A session whose response is not "
        "recorded at all might be skipped, a responder or a non-responder: the tool tries every "
        "possibility and gives a verdict only when they all agree (CR, CR, then an unrecorded "
        "session is not met); otherwise the response is named as missing. Fewer than two sessions "
        "performed is not met (a session not yet given is not missing data).",
    ),
    _r(
        "TR-VASC",
        "Vascular invasion after TACE",
        "Invasion of the portal vein (Vp1–Vp4) or hepatic vein is seen after the first TACE: TACE "
        "has not controlled the disease. The finding says whether the invasion is new or was "
        "already there before TACE (persisting).",
        (KLCA,),
        "KLCA-NCC 2022 names the development of vascular invasion; this rule set also counts "
        "invasion that persists after TACE.",
        reading="Imaging dated on or before the first TACE is no evidence either way. Not met only "
        "when every session records no new invasion and the latest imaging after TACE (if any) "
        "records none. 'Present before TACE' reads the latest imaging on or before the first TACE; "
        "when it does not say, the finding says it is not known whether the invasion is new.",
    ),
    _r(
        "TR-EHS",
        "Extrahepatic spread after TACE",
        "Spread outside the liver is seen after the first TACE: TACE has not controlled the "
        "disease. The finding says whether the spread is new or was already there before TACE "
        "(persisting).",
        (KLCA,),
        "KLCA-NCC 2022 names the development of extrahepatic metastasis; this rule set also counts "
        "spread that persists after TACE.",
        reading="As for TR-VASC, for extrahepatic spread.",
    ),
    # §3 signals
    _r(
        "PI-MORAL",
        "MoRAL rising after the first TACE",
        "After the first TACE the MoRAL score is 89.5 or higher and at least 5 % above its value "
        "before TACE: a sign that TACE is unlikely to control the tumor.",
        (KLCA,),
        "Reported median overall survival under 10 months in this group.",
        flag="MoRAL rose after the first TACE to a level linked with poor outcome; weigh a switch "
        "to systemic therapy.",
    ),
    _r(
        "PI-LESIONS",
        "Insufficient response of most treated lesions",
        "Two sessions in a row in which half or more of the treated lesions responded insufficiently.",
        (KLCA,),
        "Listed by KLCA-NCC 2022 as a sign of poor TACE response.",
        flag="Two sessions in a row left half or more of the treated lesions insufficiently treated.",
    ),
    _r(
        "PI-COUNT",
        "Tumor number rising twice in a row",
        "The number of nodules went up at two consecutive counts (baseline, then after each session).",
        (KLCA,),
        "Listed by KLCA-NCC 2022 as a sign of poor TACE response.",
        flag="The number of nodules increased at two consecutive counts.",
    ),
    _r(
        "PI-MARKERS",
        "Tumor markers rising continuously",
        "AFP or PIVKA-II rose at three consecutive measurements, counting from the last value "
        "before the first TACE.",
        (KLCA,),
        "Listed by KLCA-NCC 2022 as a sign of poor TACE response.",
        flag="A tumor marker (AFP or PIVKA-II) has risen three times in a row since TACE began.",
    ),
    # §4 candidacy
    _r(
        "GATE-CPC",
        "Child-Pugh C: no systemic therapy",
        "The systemic therapy trials enrolled patients with Child-Pugh A liver function; no benefit "
        "has been shown with decompensated cirrhosis (Child-Pugh C), where liver failure drives the "
        "outlook. KLCA-NCC advises best supportive care, or assessment for transplant.",
        (KLCA, "Source review"),
        "The systemic therapy trials enrolled Child-Pugh A patients.",
        flag="Child-Pugh C: systemic therapy is contraindicated; consider best supportive care or "
        "transplant assessment.",
    ),
    _r(
        "GATE-ECOG",
        "ECOG 2 or more: outside the preferred regimens' trials",
        "The first-line trials of the preferred regimens (IMbrave150, HIMALAYA, REFLECT) enrolled "
        "patients with ECOG 0–1; SHARP also enrolled ECOG 2, but few such patients. For ECOG 2 or "
        "more the options are not indicated by this rule set. ECOG 3–4 is BCLC stage D: best "
        "supportive care.",
        (KLCA, "IMbrave150", "HIMALAYA", "REFLECT", "SHARP", "BCLC 2022 (Reig, J Hepatol 2022)"),
        "IMbrave150, HIMALAYA and REFLECT enrolled ECOG 0–1; SHARP enrolled ECOG 0–2.",
        flag="ECOG performance status is 2 or more: the preferred regimens were studied in "
        "patients with ECOG 0–1.",
    ),
    _r(
        "GATE-CPB",
        "Child-Pugh B: limited evidence",
        "Evidence for systemic therapy in Child-Pugh B is limited, and no second-line agent is "
        "approved for Child-Pugh B; the board weighs each case.",
        (KLCA, "Source review"),
        "All second-line agents require Child-Pugh A and ECOG 0–1.",
        flag="Child-Pugh B: evidence for systemic therapy is limited and no second-line agent is "
        "approved for this group.",
    ),
    _r(
        "ON-THERAPY",
        "A systemic regimen is ongoing",
        "While a regimen is ongoing no other option is proposed; the patient is followed with "
        "imaging and reassessed for resection.",
        (KLCA, "Source review"),
        "Reassessment every 2–3 months with imaging (source review).",
    ),
    _r(
        "ON-THERAPY-LIVER",
        "Liver function worse than at the start of the ongoing regimen",
        "Child-Pugh is now 2 or more points higher, or a class worse (A to B or C, B to C), than at "
        "the start of the regimen that is running. Liver function must not be overlooked during "
        "systemic therapy.",
        (KLCA, "Source review"),
        "The source review lists ignoring liver function as a pitfall.",
        flag="Liver function has worsened since the ongoing regimen started (Child-Pugh); review it "
        "before continuing.",
        reading="'At the start' is Child-Pugh from the latest values on or before the start date. "
        "A class C inferred from incomplete items counts. Not raised when neither comparison can be "
        "made.",
    ),
    _r(
        "ALG-CONTINUE-TACE",
        "Not refractory: stay with TACE",
        "The KLCA-NCC criteria for TACE failure are not met and no sign of poor TACE response is "
        "recorded, so systemic therapy is not indicated yet.",
        (KLCA,),
        "Refractoriness is judged after two assessed sessions within six months.",
    ),
    _r(
        "ALG-WEIGH-SWITCH",
        "Not refractory, but a sign of poor TACE response: weigh an early switch",
        "The KLCA-NCC criteria for TACE failure are not met, but a prognostic sign of poor TACE "
        "response is: the source reads these signs as pointing to poor response and a need for "
        "conversion. The first-line options are shown with their own checks, without a ranking: "
        "the board weighs whether to switch now.",
        (KLCA, "Source review"),
        "KLCA-NCC 2022 lists these signs of poor TACE response.",
        flag="TACE has not failed by the KLCA-NCC criteria, but a sign of poor TACE response is "
        "present: the board may weigh an early switch to systemic therapy.",
        reading="Contraindications and trial exclusions keep their status; what an option would "
        "need (such as the endoscopy) stays in its reasons and in the missing data.",
    ),
    _r(
        "ALG-TACE-UNASSESSED",
        "Whether TACE has failed cannot be told",
        "A refractoriness criterion cannot be judged from the recorded data, and none is met. The "
        "first-line options wait for the missing findings; unknown is not read as 'TACE works'.",
        (KLCA,),
        "Refractoriness is judged on response, vascular invasion and extrahepatic spread.",
        reading="Contraindications and trial exclusions keep their status; the other first-line "
        "options are insufficient data and name the refractoriness findings that are missing.",
    ),
    _r(
        "ALG-NO-TACE",
        "No TACE and no advanced features",
        "Without TACE and without vascular invasion or spread outside the liver on the latest "
        "imaging, this rule set does not call for systemic therapy.",
        (KLCA,),
        "Systemic therapy is the standard for advanced (BCLC C) disease.",
    ),
    # §5 options
    _r(
        "OPT-AB-EGD",
        "Endoscopy before bevacizumab",
        "Before atezolizumab + bevacizumab the patient needs an upper GI endoscopy within the last "
        "six months, and any varices treated (band ligation or beta-blocker), because bevacizumab "
        "raises the bleeding risk.",
        (KLCA, "IMbrave150"),
        IMBRAVE_BLEEDING,
        flag="Atezolizumab + bevacizumab needs an upper GI endoscopy within six months, with any "
        "varices treated, before it starts.",
        reading="An endoscopy up to 183 days old counts; an older one counts as none and the "
        "endoscopy date is named as missing. Varices recorded as treated satisfy the rule even when "
        "their size is not recorded.",
    ),
    _r(
        "OPT-AB-CI",
        "Contraindication to atezolizumab + bevacizumab",
        "A recorded contraindication to immunotherapy or to bevacizumab rules out atezolizumab + "
        "bevacizumab; in first line, lenvatinib or sorafenib take its place.",
        (KLCA, "IMbrave150"),
        "IMbrave150: median overall survival 19.2 vs 13.4 months with sorafenib.",
        flag="A recorded contraindication rules out atezolizumab + bevacizumab.",
    ),
    _r(
        "OPT-IO-CI",
        "Contraindication to immunotherapy",
        "A recorded contraindication to immunotherapy rules out durvalumab + tremelimumab and "
        "pembrolizumab, and, after immunotherapy, atezolizumab + bevacizumab as well.",
        (KLCA, "HIMALAYA", "KEYNOTE-240"),
        "Checkpoint inhibitors carry immune-related adverse events.",
        flag="A recorded contraindication to immunotherapy rules out the checkpoint-inhibitor options.",
    ),
    _r(
        "OPT-DT-VP4",
        "Durvalumab + tremelimumab and main portal vein invasion",
        "HIMALAYA excluded patients with invasion of the main portal vein (Vp4), so durvalumab + "
        "tremelimumab is not indicated for them by this rule set; without a recorded portal vein "
        "status it cannot be checked.",
        ("HIMALAYA",),
        "HIMALAYA excluded main portal vein tumor thrombosis.",
    ),
    _r(
        "OPT-LEN-VP4",
        "Lenvatinib and main portal vein invasion",
        "REFLECT excluded patients with invasion of the main portal vein (Vp4); KLCA-NCC does not "
        "use lenvatinib for them, so the tool lists it as contraindicated.",
        (KLCA, "REFLECT"),
        "REFLECT excluded main portal vein invasion.",
        flag="Main portal vein invasion (Vp4): REFLECT excluded these patients, so lenvatinib is "
        "ruled out here.",
    ),
    _r(
        "OPT-LEN-BURDEN",
        "Lenvatinib and liver involvement of 50 % or more",
        "REFLECT excluded patients whose tumor occupied half or more of the liver; KLCA-NCC does not "
        "use lenvatinib for them, so the tool lists it as contraindicated.",
        (KLCA, "REFLECT"),
        "REFLECT excluded ≥ 50 % liver involvement.",
        flag="Tumor involves 50 % or more of the liver: REFLECT excluded these patients, so "
        "lenvatinib is ruled out here.",
    ),
    _r(
        "OPT-LEN-BILE",
        "Lenvatinib and bile duct invasion",
        "Bile duct invasion was an exclusion of the lenvatinib trial; weigh this before choosing it.",
        ("REFLECT",),
        "REFLECT excluded obvious bile duct invasion.",
        flag="Bile duct invasion is recorded: lenvatinib was not studied in this situation.",
    ),
    _r(
        "DOSE-LEN",
        "Lenvatinib dose by weight",
        "Lenvatinib is 12 mg once daily at 60 kg or more and 8 mg once daily below 60 kg; without a "
        "recorded weight the dose is not shown.",
        ("Product labels", "REFLECT"),
        "Weight-based starting dose from REFLECT and the label.",
    ),
    _r(
        "OPT-IO-HBV",
        "Hepatitis B: check HBV DNA and antivirals before immunotherapy",
        "With hepatitis B as the cause, check HBV DNA and make sure antiviral therapy is running "
        "before a checkpoint-inhibitor regimen starts: the trials required hepatitis B to be "
        "controlled on antivirals.",
        ("IMbrave150", "HIMALAYA", "KEYNOTE-240"),
        "IMbrave150 and HIMALAYA required HBV suppressed on antiviral therapy; IMbrave150 required "
        "HBV DNA below 500 IU/mL.",
        flag="Hepatitis B: check HBV DNA and antiviral therapy before starting immunotherapy.",
    ),
    _r(
        "OPT-REGO-TOL",
        "Regorafenib only after tolerated sorafenib",
        "Regorafenib is for patients who progressed on sorafenib and tolerated it (at least "
        "400 mg a day on at least 20 of the last 28 days).",
        (KLCA, "RESORCE"),
        "RESORCE: median overall survival gain 2.8 months.",
        flag="Sorafenib was not tolerated (or ended for intolerance): regorafenib is contraindicated.",
        reading="Judged on the latest sorafenib course; a tolerance that is not recorded makes "
        "regorafenib insufficient data, never eligible.",
    ),
    _r(
        "OPT-RAM-AFP",
        "Ramucirumab only with AFP of 400 ng/mL or more",
        "REACH-2 enrolled patients whose AFP was at least 400 ng/mL; ramucirumab is an option only "
        "for them. Without an AFP on record it cannot be checked.",
        (KLCA, "REACH-2"),
        "REACH-2: median overall survival gain 1.2 months in AFP ≥ 400 ng/mL.",
        reading="The latest AFP at the assessment date decides, compared unrounded (399.9 is below 400).",
    ),
    _r(
        "OPT-2L-AFTER-IO",
        "Second line after immunotherapy",
        "After atezolizumab + bevacizumab (or durvalumab + tremelimumab), a tyrosine kinase inhibitor "
        "(lenvatinib, sorafenib or cabozantinib) is reasonable, and ramucirumab with AFP of 400 ng/mL "
        "or more, though no prospective trial has tested them after immunotherapy. Regorafenib was "
        "studied only after tolerated sorafenib. A second checkpoint-inhibitor regimen has no trial "
        "behind it: the board decides.",
        (KLCA, "ASCO 2024"),
        "ASCO 2024 recommendation 2.1; no prospective data after immunotherapy.",
        flag="After immunotherapy, a tyrosine kinase inhibitor (or ramucirumab with high AFP) is "
        "reasonable without prospective trial data; immunotherapy again is the board's call.",
    ),
    _r(
        "OPT-2L-UNDEFINED",
        "No defined sequence: board decision",
        "After a first-line regimen other than atezolizumab + bevacizumab, durvalumab + "
        "tremelimumab or sorafenib, or from the third line on, this rule set defines no sequence; "
        "the board decides.",
        (KLCA,),
        "Second-line trials enrolled patients after sorafenib.",
        flag="This rule set defines no treatment sequence here: the board decides.",
    ),
    # §6
    _r(
        "COMBO-INVESTIGATIONAL",
        "TACE combined with systemic therapy (investigational)",
        "TACE + lenvatinib, TACE + lenvatinib + PD-1 inhibitor and TACE + durvalumab + bevacizumab "
        "are promising but not in the guidelines; offer them within a clinical trial.",
        ("TACTICS-L", "LAUNCH", "LEAP-012", "EMERALD-1", "Source review"),
        COMBO_EVIDENCE,
    ),
    # §7 pitfalls
    _r(
        "PIT-ADJ-SORA",
        "Adjuvant sorafenib after TACE",
        "Sorafenib given as an add-on after TACE has not improved survival; guidelines advise against it.",
        (KLCA, "Source review"),
        "Recommendation against in KLCA-NCC 2022.",
        flag="Adjuvant sorafenib after TACE is advised against: it has not improved survival.",
    ),
    _r(
        "PIT-TACE-SORA",
        "TACE combined with sorafenib",
        "Combining TACE with sorafenib did not improve overall survival in randomised trials; it is "
        "not recommended outside a trial.",
        (KLCA, "SPACE", "TACE-2", "ORIENTAL"),
        "No overall survival benefit in SPACE and TACE-2; ORIENTAL (orantinib) was negative too.",
        flag="TACE combined with sorafenib is not recommended outside a trial: trials showed no "
        "overall survival benefit.",
    ),
    _r(
        "PIT-CPC",
        "Active treatment proposed with Child-Pugh C",
        "With Child-Pugh C, systemic therapy, further TACE or resection are not appropriate; only "
        "supportive care or assessment for transplant.",
        (KLCA, "Source review"),
        "Decompensated cirrhosis dominates prognosis.",
        flag="Child-Pugh C: this plan is not appropriate; only supportive care or transplant assessment.",
    ),
    _r(
        "PIT-AB-EGD",
        "Bevacizumab proposed without endoscopy",
        "A bevacizumab plan needs an upper GI endoscopy within six months with varices absent or treated.",
        (KLCA, "IMbrave150"),
        IMBRAVE_BLEEDING,
        flag="A bevacizumab plan without a recent endoscopy, or with varices not known to be absent "
        "or treated, must wait for the endoscopy.",
    ),
    _r(
        "PIT-BEV-CI",
        "Bevacizumab proposed despite a contraindication",
        "The case records a contraindication to bevacizumab.",
        (KLCA,),
        "Safety rule.",
        flag="The plan contains bevacizumab, but a contraindication to bevacizumab is recorded.",
    ),
    _r(
        "PIT-LEN-VP4",
        "Lenvatinib proposed with main portal vein invasion",
        "REFLECT excluded main portal vein invasion (Vp4), so lenvatinib plans are ruled out with it.",
        (KLCA, "REFLECT"),
        "REFLECT excluded main portal vein invasion.",
        flag="The plan contains lenvatinib, but the main portal vein is invaded (Vp4).",
    ),
    _r(
        "PIT-LEN-BURDEN",
        "Lenvatinib proposed with 50 % or more liver involvement",
        "REFLECT excluded tumor in half or more of the liver, so lenvatinib plans are ruled out with it.",
        (KLCA, "REFLECT"),
        "REFLECT excluded ≥ 50 % liver involvement.",
        flag="The plan contains lenvatinib, but tumor involves 50 % or more of the liver.",
    ),
    _r(
        "PIT-REGO-INTOL",
        "Regorafenib without tolerated sorafenib",
        "Regorafenib is only for patients who tolerated sorafenib; here sorafenib was recorded as "
        "not tolerated, ended for intolerance, or was never given.",
        (KLCA, "RESORCE"),
        "RESORCE enrolled patients who tolerated sorafenib.",
        flag="Regorafenib is only for patients who tolerated sorafenib; here it was not tolerated "
        "or never given.",
        reading="An unrecorded tolerance does not raise this stop: the option is insufficient data "
        "and PIT-UNVERIFIED names what to record.",
    ),
    _r(
        "PIT-RAM-AFP",
        "Ramucirumab without AFP of 400 ng/mL or more",
        "Ramucirumab is only for AFP of at least 400 ng/mL; the latest AFP is lower.",
        (KLCA, "REACH-2"),
        "REACH-2 enrolled AFP ≥ 400 ng/mL.",
        flag="Ramucirumab needs an AFP of 400 ng/mL or more; the latest AFP is lower.",
        reading="With no AFP on record this stop is not raised: the option is insufficient data and "
        "PIT-UNVERIFIED names what to record.",
    ),
    _r(
        "PIT-IO-CI",
        "Immunotherapy proposed despite a contraindication",
        "The plan contains a checkpoint inhibitor, but a contraindication to immunotherapy is recorded.",
        (KLCA,),
        "Safety rule.",
        flag="The plan contains immunotherapy, but a contraindication to immunotherapy is recorded.",
    ),
    _r(
        "PIT-CPB",
        "Systemic therapy proposed with Child-Pugh B",
        "Evidence in Child-Pugh B is limited and no second-line agent is approved for it.",
        (KLCA, "Source review"),
        "Trials enrolled Child-Pugh A.",
        flag="Child-Pugh B: evidence for this systemic plan is limited.",
    ),
    _r(
        "PIT-UNVERIFIED",
        "Proposed regimen cannot be checked",
        "Data the regimen's rules need are not recorded, so the plan cannot be verified.",
        (KLCA,),
        "Unknown is never treated as normal.",
        flag="The proposed regimen cannot be checked because data are missing.",
    ),
    _r(
        "PIT-NOT-INDICATED",
        "Proposed regimen not indicated now",
        "The proposed regimen is not an option in this line or this population, or another regimen "
        "is ongoing.",
        (KLCA,),
        "See the option's reasons.",
        flag="The proposed regimen is not indicated for this patient now.",
        reading="Not raised when the proposal is the regimen already running: continuing it is not "
        "a new line (a gate's own warning still shows).",
    ),
    _r(
        "PIT-CONTINUE-REFRACTORY",
        "Continuing TACE although refractory",
        "The patient meets a refractoriness criterion; KLCA-NCC advises switching to systemic "
        "therapy rather than repeating TACE.",
        (KLCA,),
        "KLCA-NCC 2022 advises switching to systemic therapy.",
        flag="The patient meets a TACE-refractoriness criterion; weigh systemic therapy before another TACE.",
    ),
    _r(
        "PIT-INVESTIGATIONAL",
        "Investigational TACE combination",
        "TACE combined with lenvatinib, a PD-1 inhibitor or durvalumab + bevacizumab is "
        "investigational; prefer a clinical trial.",
        ("TACTICS-L", "LAUNCH", "LEAP-012", "EMERALD-1", "Source review"),
        COMBO_EVIDENCE,
        flag="This TACE combination is investigational and not in the guidelines; consider a clinical trial.",
    ),
    _r(
        "PIT-LIVER-MONITOR",
        "Watch liver function on systemic therapy",
        "Systemic therapy can tip cirrhosis into decompensation; watch for ascites, "
        "encephalopathy and rising bilirubin.",
        (KLCA, "Source review"),
        "Close monitoring of liver function is advised.",
        flag="On systemic therapy, watch for ascites, encephalopathy and rising bilirubin.",
    ),
    # §8 algorithm
    _r(
        "ALG-1",
        "Step 1: assess the response to TACE",
        "Judge the response after two sessions within six months.",
        (KLCA,),
        "KLCA-NCC 2022 algorithm.",
    ),
    _r(
        "ALG-2",
        "Step 2: refractory — prepare and start atezolizumab + bevacizumab",
        "Confirm Child-Pugh A and ECOG 0–1, do the endoscopy and treat varices, then start "
        "atezolizumab + bevacizumab.",
        (KLCA, "IMbrave150"),
        "IMbrave150: median overall survival 19.2 vs 13.4 months with sorafenib.",
    ),
    _r(
        "ALG-3",
        "Step 3: atezolizumab + bevacizumab not possible",
        "Use lenvatinib when the main portal vein is free (no Vp4) and tumor involves less than "
        "50 % of the liver; otherwise sorafenib.",
        (KLCA, "REFLECT", "SHARP"),
        "REFLECT: lenvatinib non-inferior to sorafenib in overall "
        "survival; SHARP: sorafenib median overall survival 10.7 months.",
    ),
    _r(
        "ALG-4",
        "Step 4: progression on first line",
        "Still Child-Pugh A after progression: choose among the second-line options.",
        (KLCA, "RESORCE", "CELESTIAL", "KEYNOTE-240", "KEYNOTE-394", "REACH-2", "ASCO 2024"),
        "Median overall survival gains after sorafenib: regorafenib 2.8, cabozantinib 2.2, "
        "pembrolizumab 3.3 (KEYNOTE-240 did not reach its pre-set significance; KEYNOTE-394 in "
        "Asian patients: hazard ratio 0.79, significant), ramucirumab 1.2 months. After "
        "immunotherapy: a tyrosine kinase inhibitor, without prospective trial data (ASCO 2024).",
    ),
    _r(
        "ALG-5",
        "Step 5: reassess for resection",
        "During systemic therapy, image every 2–3 months and ask whether the tumor has become resectable.",
        (KLCA, "Source review"),
        CONVERSION_EVIDENCE,
    ),
    _r(
        "ALG-5-OVERDUE",
        "Reassessment imaging overdue",
        "More than 13 weeks (91 days) have passed since the last imaging of a patient on systemic "
        "therapy, or there is no imaging at all.",
        (KLCA, "Source review"),
        "Reassessment every 2–3 months (8–13 weeks).",
        flag="Imaging to reassess for resection is overdue (more than 13 weeks since the last "
        "study, or none on record).",
    ),
)

RULES: Final[dict[str, Rule]] = {r.id: r for r in _RULE_LIST}

# What changed since kr-2022.1 (RULES.md §9), in our words, by letter.
CHANGES: Final[tuple[tuple[str, str], ...]] = (
    (
        "A",
        "TR-NORESP: a session with no response recorded makes the criterion insufficient data only "
        "when filling it in could change the verdict.",
    ),
    (
        "B",
        "TR-VASC and TR-EHS say whether the invasion or spread was already present before TACE "
        "(persisting) or is new.",
    ),
    (
        "C",
        "ECOG 3–4 (BCLC stage D) leads to best supportive care; SHARP's ECOG 0–2 enrolment is "
        "stated correctly.",
    ),
    (
        "D",
        "Not refractory but a sign of poor TACE response: the first-line options are listed "
        "without a ranking (no guidance, ALG-WEIGH-SWITCH) so the board can weigh an early switch.",
    ),
    (
        "E",
        "Refractoriness unknown: the first-line options wait for the missing findings "
        "(ALG-TACE-UNASSESSED); unknown is not read as 'TACE works'.",
    ),
    ("F", "Durvalumab + tremelimumab is not indicated with main portal vein invasion (OPT-DT-VP4)."),
    (
        "G",
        "Second line after immunotherapy: cabozantinib eligible, ramucirumab by AFP, regorafenib "
        "not indicated, immunotherapy again left to the board.",
    ),
    ("H", "An unrecorded sorafenib tolerance raises PIT-UNVERIFIED, not PIT-REGO-INTOL."),
    ("I", "Proposing the regimen already running raises no PIT-NOT-INDICATED."),
    ("J", "New warning ON-THERAPY-LIVER: Child-Pugh worse than at the start of the ongoing regimen."),
    ("K", "New information OPT-IO-HBV: with hepatitis B, check HBV DNA and antivirals before immunotherapy."),
    ("L", "ART is shown with its validation caveat once two sessions are on record."),
    (
        "M",
        "Clarified: treated varices satisfy the endoscopy rule even without a recorded size; an "
        "endoscopy older than 183 days is named as missing.",
    ),
    (
        "N",
        "TR-NORESP after a single session is not met (reassess after the next session); a missing "
        "AFP raises PIT-UNVERIFIED, not PIT-RAM-AFP.",
    ),
    (
        "Texts",
        "KEYNOTE-394 added; LEAP-012 and EMERALD-1 are progression-free survival results "
        "without a shown overall survival benefit; conversion outcomes belong to ALG-5; the "
        "'a further TACE may still help' caveat belongs to TR-NORESP only; ALG-3 names the 50 % rule; "
        "IMbrave150's 7 % vs 4.5 % is upper gastrointestinal bleeding.",
    ),
)


def rule(rule_id: str) -> Rule:
    """The catalogue entry of a rule id (KeyError for an unknown id)."""
    return RULES[rule_id]


def generate_rules_markdown() -> str:
    """A user-facing rule catalogue page (Markdown)."""
    lines = [
        f"# Rule catalogue — rule set {RULE_SET}",
        "",
        "Every finding the tool shows carries one of these rule ids. The tool supports the tumor "
        "board; it does not decide.",
        "",
    ]
    for r in _RULE_LIST:
        lines += [f"## {r.id} — {r.title}", "", r.explanation, "", f"*Evidence:* {r.evidence}", ""]
        if r.reading:
            lines += [f"*Our reading:* {r.reading}", ""]
        lines += [f"*Source:* {r.source}", ""]
    lines += ["## Changes since kr-2022.1", ""]
    lines += [f"- **{letter}.** {text}" for letter, text in CHANGES]
    lines += ["", "## Sources", ""]
    lines += [f"- **{short}** — {long}" for short, long in SOURCES.items()]
    return "\n".join(lines) + "\n"
