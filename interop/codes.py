"""The codes the FHIR mapping uses, in one table per direction-free concept (docs/FHIR.md lists them).

Both directions read these tables, so export and import cannot disagree. Standard code systems
(LOINC, SNOMED CT, UCUM, ICD-10) where one fits and mCODE or US Core chose it; our own code systems
(``urn:hcc-tumorboard:…``) for what the rules read and no standard names (a TACE technique, the
mRECIST call per session, the board's plan keys).
"""

from __future__ import annotations

from dataclasses import dataclass

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


def local(name: str) -> str:
    """One of our code systems (or the identifier system of a case label)."""
    return f"urn:hcc-tumorboard:{name}"


LABEL_SYSTEM = local("case-label")
FINDING = local("finding")  # our codes for findings no standard code names
TOLERATED_EXTENSION = "urn:hcc-tumorboard:extension:sorafenib-tolerated"
CONCORDANCE_EXTENSION = "urn:hcc-tumorboard:extension:concordance"

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
PROFILES = {
    "patient": MCODE + "mcode-cancer-patient",
    "condition": MCODE + "mcode-primary-cancer-condition",
    "ecog": MCODE + "mcode-ecog-performance-status",
    "tumor_marker": MCODE + "mcode-tumor-marker-test",
    "medication": MCODE + "mcode-cancer-related-medication-statement",
    "lab": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab",
    "bodyweight": "http://hl7.org/fhir/StructureDefinition/bodyweight",
}

HCC_CODINGS = [
    {"system": SNOMED, "code": "25370001", "display": "Hepatocellular carcinoma"},
    {"system": ICD10, "code": "C22.0", "display": "Liver cell carcinoma"},
]

SEX_TO_GENDER = {"M": "male", "F": "female", "X": "other"}
GENDER_TO_SEX = {gender: sex for sex, gender in SEX_TO_GENDER.items()}


@dataclass(frozen=True)
class Value:
    """How one field's value is written in FHIR: ``integer``, ``boolean``, ``string``, ``quantity``
    (with its UCUM unit) or ``code`` (a code from our code system ``urn:hcc-tumorboard:<codes>``)."""

    type: str
    unit: str = ""
    codes: str = ""


@dataclass(frozen=True)
class Concept:
    """One field of the case file as a coded FHIR element (an Observation or one of its components)."""

    field: str  # the case file's name (CASE_FORMAT.md)
    system: str
    code: str
    display: str
    value: Value
    profile: str | None = None


def _finding(field: str, code: str, display: str, value: Value) -> Concept:
    return Concept(field, FINDING, code, display, value)


INTEGER, BOOLEAN, STRING = Value("integer"), Value("boolean"), Value("string")

# Observations of the case without a date of their own (written with the assessment date).
CASE_OBSERVATIONS = (
    Concept("patient.ecog", LOINC, "89247-1", "ECOG Performance Status score", INTEGER, PROFILES["ecog"]),
    Concept(
        "patient.weight_kg", LOINC, "29463-7", "Body weight", Value("quantity", "kg"), PROFILES["bodyweight"]
    ),
    _finding("baseline_tumor_count", "baseline-nodule-count", "Nodules before the first TACE", INTEGER),
    _finding(
        "contraindications.immunotherapy",
        "contraindication-immunotherapy",
        "Immunotherapy contraindicated",
        BOOLEAN,
    ),
    _finding(
        "contraindications.bevacizumab",
        "contraindication-bevacizumab",
        "Bevacizumab contraindicated",
        BOOLEAN,
    ),
    _finding("contraindications.note", "contraindication-note", "About the contraindications", STRING),
)


@dataclass(frozen=True)
class Lab:
    """A lab analyte: the LOINC code we write, with its UCUM unit, and the units we convert from."""

    field: str
    code: str
    display: str
    unit: str
    # Other accepted units → the factor that converts a value in that unit to ``unit``.
    conversions: dict[str, float]
    other_codes: tuple[str, ...] = ()  # LOINC codes of the same analyte in another property (µmol/L)
    tumor_marker: bool = False

    @property
    def system(self) -> str:
        """LOINC, except for an analyte with our own code (PIVKA-II)."""
        return LOINC if self.code[0].isdigit() else FINDING


# A dated lab draw with no value recorded (kept so that its date is not lost): no code names it.
LAB_DRAW = {"text": "Laboratory draw"}


LABS = (
    Lab(
        "bilirubin_mg_dl",
        "1975-2",
        "Bilirubin.total [Mass/volume] in Serum or Plasma",
        "mg/dL",
        {"umol/L": 1 / 17.1, "µmol/L": 1 / 17.1, "mg/L": 0.1},
        ("14631-6",),
    ),
    Lab("albumin_g_dl", "1751-7", "Albumin [Mass/volume] in Serum or Plasma", "g/dL", {"g/L": 0.1}),
    Lab(
        "inr",
        "6301-6",
        "INR in Platelet poor plasma by Coagulation assay",
        "{INR}",
        {"{ratio}": 1.0, "1": 1.0},
    ),
    Lab(
        "ast_u_l",
        "1920-8",
        "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        "U/L",
        {"IU/L": 1.0, "[IU]/L": 1.0},
    ),
    Lab(
        "platelets_10e9_l",
        "777-3",
        "Platelets [#/volume] in Blood by Automated count",
        "10*3/uL",
        {"10*9/L": 1.0, "10^9/L": 1.0, "/nL": 1.0, "10*3/mm3": 1.0},
    ),
    Lab(
        "afp_ng_ml",
        "1834-1",
        "Alpha-1-Fetoprotein [Mass/volume] in Serum or Plasma",
        "ng/mL",
        {"ug/L": 1.0, "µg/L": 1.0},
        tumor_marker=True,
    ),
    # No LOINC code for PIVKA-II in mAU/mL was verified for this release: our own code (docs/FHIR.md).
    Lab(
        "pivka_mau_ml",
        "pivka-ii",
        "PIVKA-II (des-gamma-carboxy prothrombin)",
        "m[AU]/mL",
        {"mAU/mL": 1.0},
        tumor_marker=True,
    ),
)

# Bedside findings (CASE_FORMAT.md "clinical"), one Observation each per date.
CLINICAL = (
    Concept("ascites", SNOMED, "389026000", "Ascites", Value("code", codes="ascites")),
    Concept(
        "encephalopathy", SNOMED, "13920009", "Hepatic encephalopathy", Value("code", codes="encephalopathy")
    ),
)

IMAGING_CODE = ("liver-imaging", "Liver imaging findings")
IMAGING = (
    _finding("nodule_count", "nodule-count", "Number of liver nodules", INTEGER),
    Concept("largest_cm", LOINC, "33728-7", "Size.maximum dimension in Tumor", Value("quantity", "cm")),
    _finding("liver_involvement_pct", "liver-involvement", "Liver involved by tumor", Value("quantity", "%")),
    _finding(
        "portal_vein_invasion", "portal-vein-invasion", "Portal vein invasion", Value("code", codes="vp")
    ),
    _finding("hepatic_vein_invasion", "hepatic-vein-invasion", "Hepatic vein invasion", BOOLEAN),
    _finding("bile_duct_invasion", "bile-duct-invasion", "Bile duct invasion", BOOLEAN),
    _finding("extrahepatic_spread", "extrahepatic-spread", "Extrahepatic spread", BOOLEAN),
)

VARICES = Concept("varices", SNOMED, "28670008", "Esophageal varices", Value("code", codes="varices"))
VARICES_TREATED = _finding("varices_treated", "varices-treated", "Varices treated", BOOLEAN)

TACE_TECHNIQUES = {"ctace": "Conventional TACE", "debtace": "TACE with drug-eluting beads", "": "TACE"}
TACE_SYSTEM = local("tace")
RESPONSE = _finding(
    "response", "mrecist-response", "mRECIST response after TACE", Value("code", codes="mrecist")
)
RESPONSE_COMPONENTS = (
    _finding("tumor_count_after", "nodule-count", "Number of liver nodules", INTEGER),
    _finding(
        "insufficient_lesion_response",
        "insufficient-lesion-response",
        "Half or more of the treated lesions responded insufficiently",
        BOOLEAN,
    ),
    _finding("new_vascular_invasion", "new-vascular-invasion", "New vascular invasion", BOOLEAN),
    _finding("new_extrahepatic_spread", "new-extrahepatic-spread", "New extrahepatic spread", BOOLEAN),
)

REGIMEN_SYSTEM = local("regimen")
OUTCOME_SYSTEM = local("therapy-outcome")
ETIOLOGY_SYSTEM = local("etiology")
PLAN_SYSTEM = local("plan")
RULE_SYSTEM = local("rule")
OPTION_STATUS_SYSTEM = local("option-status")
FLAG_SEVERITY = {"stop": "high", "warning": "moderate", "info": "low"}
