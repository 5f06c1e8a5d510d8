"""The kinds of dated record a case holds, each described once.

Every part of the app that handles "each kind of record" reads `RECORD_KINDS`: the record forms
and their URLs, the roles' permissions, the render cache's case state, the adapters (stored case
↔ engine facts), the findings part of the case form, the case page's tables, the admin and the
benchmark data. Adding a kind touches three files:

- cases/models/records.py: the model (a `case` foreign key with its `related_name`, verbose names);
- its migration, with a RunPython that, as 0002_roles does, creates the permissions and calls
  `permissions.ensure_roles` (so the roles of an existing database get the new model's permissions);
- this module: one `RecordKind`, placed in `RECORD_KINDS`.

A kind the engine reads also names its engine record class (`fact`), and its facts key is then a
`CaseFacts` field (cases/clinical/facts.py and the case format); a kind without one is kept, shown
and edited like the others, and the adapters leave it out of the engine's facts.

Names the model already says (its verbose names, its `related_name` on the case) are read from
the model, not spelled again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from django.db import models

from cases.clinical import facts as f
from cases.models import records  # the module, so a new model needs no export in cases.models

ENGINE_FACTS = frozenset(field.name for field in dataclasses.fields(f.CaseFacts))

# How a case-page cell shows its field: the stored value, a choice's label, a date (YYYY-MM-DD),
# or the row's number (1, 2, 3 … : the TACE sessions are counted).
Shows = Literal["value", "label", "date", "row_number"]


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of a kind's table on the case page."""

    header: str
    field: str = ""  # the model field shown; none for the row number
    shows: Shows = "value"


@dataclass(frozen=True, kw_only=True)
class CasePageTable:
    """How the case page lists a kind's records."""

    title: str  # the section heading
    table_id: str  # the table's HTML id (the tests and browser tests find tables by it)
    none_recorded: str  # the line of an empty table
    columns: tuple[Column, ...]
    width: str = "col-12"  # grid column: clinical findings and endoscopy sit side by side


@dataclass(frozen=True, kw_only=True)
class CaseFormBlock:
    """The kind's latest record as a block of the case form (cases/forms/findings.py)."""

    title: str
    date_input: str  # the input name of the block's date ("labs_date"): posted by the form, kept stable
    position: int  # order of the blocks on the form (the case page lists kinds in another order)
    # A new record on a date with nothing else typed is still a finding: "an endoscopy was done".
    date_alone_is_a_finding: bool = False


@dataclass(frozen=True, kw_only=True)
class RecordKind:
    slug: str  # in the URLs (/cases/<pk>/<slug>/add/) and the case page's anchors; never change it
    facts_key: str  # the kind's key: the CaseFacts attribute and the case format's key (CASE_FORMAT.md)
    model: type[records.CaseRecord]
    fact: type | None = None  # the engine's record class (cases.clinical.facts); None: not read by it
    fields: tuple[str, ...]  # the record's fields: in its form, in the case format and in the facts
    table: CasePageTable
    case_form: CaseFormBlock | None = None  # latest record editable on the case form

    def __post_init__(self) -> None:
        if self.fact is not None and self.facts_key not in ENGINE_FACTS:
            raise ValueError(f"{self.slug}: {self.facts_key!r} is not a CaseFacts field")
        if self.case_form is not None and self.fact is None:
            raise ValueError(
                f"{self.slug}: the case form previews the engine, so its kinds must be read by it"
            )

    @property
    def read_by_engine(self) -> bool:
        return self.fact is not None

    @property
    def name(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def related_name(self) -> str:
        """The case's accessor for these records (`case.tace_sessions`)."""
        return str(self.model._meta.get_field("case").remote_field.related_name)

    @property
    def model_name(self) -> str:
        """The model's name in permission codenames (`add_tacesession`)."""
        return str(self.model._meta.model_name)

    @property
    def finding_fields(self) -> tuple[str, ...]:
        """The fields besides the record's date (what a case form block shows under its date)."""
        return tuple(name for name in self.fields if name != "date")


TACE_SESSIONS = RecordKind(
    slug="tace",
    facts_key="tace_sessions",
    model=records.TaceSession,
    fact=f.TaceSession,
    fields=("date", *records.TaceSession.FORMAT_FIELDS),
    table=CasePageTable(
        title="TACE sessions",
        table_id="tace-table",
        none_recorded="No TACE session recorded.",
        columns=(
            Column(header="#", shows="row_number"),
            Column(header="Date", field="date", shows="date"),
            Column(header="Technique", field="technique", shows="label"),
            Column(header="mRECIST", field="response"),  # the code (CR, PR …), as the board says it
            Column(header="Response date", field="response_date", shows="date"),
            Column(header="Nodules after", field="tumor_count_after"),
            Column(header="≥50% lesions insufficient", field="insufficient_lesion_response"),
            Column(header="New vascular invasion", field="new_vascular_invasion"),
            Column(header="New extrahepatic spread", field="new_extrahepatic_spread"),
        ),
    ),
)

LABS = RecordKind(
    slug="labs",
    facts_key="labs",
    model=records.LabResult,
    fact=f.LabResult,
    fields=("date", *records.LabResult.FORMAT_FIELDS),
    table=CasePageTable(
        title="Laboratory results",
        table_id="labs-table",
        none_recorded="No lab results recorded.",
        columns=(
            Column(header="Date", field="date", shows="date"),
            Column(header="Bilirubin mg/dL", field="bilirubin_mg_dl"),
            Column(header="Albumin g/dL", field="albumin_g_dl"),
            Column(header="INR", field="inr"),
            Column(header="AST U/L", field="ast_u_l"),
            Column(header="Platelets ×10⁹/L", field="platelets_10e9_l"),
            Column(header="AFP ng/mL", field="afp_ng_ml"),
            Column(header="PIVKA-II mAU/mL", field="pivka_mau_ml"),
        ),
    ),
    case_form=CaseFormBlock(title="Latest labs", date_input="labs_date", position=1),
)

CLINICAL_FINDINGS = RecordKind(
    slug="clinical",
    facts_key="clinical",
    model=records.ClinicalFinding,
    fact=f.ClinicalFinding,
    fields=("date", *records.ClinicalFinding.FORMAT_FIELDS),
    table=CasePageTable(
        title="Clinical findings",
        table_id="clinical-table",
        none_recorded="No clinical findings recorded.",
        columns=(
            Column(header="Date", field="date", shows="date"),
            Column(header="Ascites", field="ascites", shows="label"),
            Column(header="Encephalopathy", field="encephalopathy", shows="label"),
        ),
        width="col-xl-5",
    ),
    case_form=CaseFormBlock(title="Clinical findings", date_input="clinical_date", position=2),
)

ENDOSCOPIES = RecordKind(
    slug="endoscopies",
    facts_key="endoscopies",
    model=records.Endoscopy,
    fact=f.Endoscopy,
    fields=("date", *records.Endoscopy.FORMAT_FIELDS),
    table=CasePageTable(
        title="Upper GI endoscopy",
        table_id="endoscopy-table",
        none_recorded="No endoscopy recorded.",
        columns=(
            Column(header="Date", field="date", shows="date"),
            Column(header="Varices", field="varices", shows="label"),
            Column(header="Varices treated", field="varices_treated"),
        ),
        width="col-xl-7",
    ),
    case_form=CaseFormBlock(
        title="Latest endoscopy", date_input="endoscopy_date", position=4, date_alone_is_a_finding=True
    ),
)

IMAGING = RecordKind(
    slug="imaging",
    facts_key="imaging",
    model=records.Imaging,
    fact=f.Imaging,
    fields=("date", *records.Imaging.FORMAT_FIELDS),
    table=CasePageTable(
        title="Imaging",
        table_id="imaging-table",
        none_recorded="No imaging recorded.",
        columns=(
            Column(header="Date", field="date", shows="date"),
            Column(header="Nodules", field="nodule_count"),
            Column(header="Largest cm", field="largest_cm"),
            Column(header="Liver involvement %", field="liver_involvement_pct"),
            Column(header="Portal vein invasion", field="portal_vein_invasion", shows="label"),
            Column(header="Hepatic vein invasion", field="hepatic_vein_invasion"),
            Column(header="Bile duct invasion", field="bile_duct_invasion"),
            Column(header="Extrahepatic spread", field="extrahepatic_spread"),
        ),
    ),
    case_form=CaseFormBlock(title="Latest imaging", date_input="imaging_date", position=3),
)

SYSTEMIC_THERAPIES = RecordKind(
    slug="therapies",
    facts_key="systemic_therapies",
    model=records.SystemicTherapy,
    fact=f.SystemicTherapy,
    fields=("regimen", "start", "end", "outcome", "tolerated"),
    table=CasePageTable(
        title="Systemic therapy",
        table_id="therapy-table",
        none_recorded="No systemic therapy recorded.",
        columns=(
            Column(header="Regimen", field="regimen", shows="label"),
            Column(header="Start", field="start", shows="date"),
            Column(header="End", field="end", shows="date"),
            Column(header="Outcome", field="outcome", shows="label"),
            Column(header="Tolerated", field="tolerated"),
        ),
    ),
)

# In the order the case page shows them: the TACE course first, the question the board answers.
RECORD_KINDS: tuple[RecordKind, ...] = (
    TACE_SESSIONS,
    LABS,
    CLINICAL_FINDINGS,
    ENDOSCOPIES,
    IMAGING,
    SYSTEMIC_THERAPIES,
)

# The kinds the engine reads: what the adapters turn into facts and back (cases/adapters.py).
ENGINE_KINDS: tuple[RecordKind, ...] = tuple(kind for kind in RECORD_KINDS if kind.read_by_engine)

# The kinds whose latest record the case form edits, in the form's order.
CASE_FORM_KINDS: tuple[RecordKind, ...] = tuple(
    sorted(
        (kind for kind in RECORD_KINDS if kind.case_form is not None),
        key=lambda kind: kind.case_form.position if kind.case_form else 0,
    )
)

_BY_SLUG = {kind.slug: kind for kind in RECORD_KINDS}


def kind_for_slug(slug: str) -> RecordKind | None:
    """The kind a URL names, or None for a slug no kind has."""
    return _BY_SLUG.get(slug)


def kind_of(record: models.Model) -> RecordKind | None:
    """The kind of a stored record (None for anything that is not a dated record of a case)."""
    return next((kind for kind in RECORD_KINDS if isinstance(record, kind.model)), None)
