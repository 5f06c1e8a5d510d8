"""The board meeting: who attends, the agenda, and the decisions the board signs.

Every model is history-tracked and validates itself on save. A signed decision is frozen: it keeps
a snapshot of the case document and of the engine's assessment at the moment of signing, refuses
any later change, and is corrected only by a new decision that points at it. The models never run
the engine: saving a draft with its concordance, signing and correcting are in ``meetings.services``.

The tables keep the names they had when these models lived in the cases app (``cases_meeting``, …):
the move was a change of app, not of data (migrations/0001_initial.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import F, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.clinical.labels import PROPOSAL_LABELS
from cases.clinical.vocab import PROPOSALS
from cases.models import Case
from cases.models.versioning import Versioned
from cases.validators import NOTE_MAX
from meetings.concordance import CONCORDANT, DEVIATING, OTHER_PLAN, Concordance, as_proposal
from meetings.quorum import Quorum, quorum

# Free text has a limit, in the forms and in the model (README "Limits"); TextField's max_length
# sizes the form field only, so the validator makes the model refuse longer text too.
NOTE_LIMIT: dict[str, Any] = {"max_length": NOTE_MAX, "validators": [MaxLengthValidator(NOTE_MAX)]}


class Specialty(models.TextChoices):
    HEPATOLOGY = "hepatology", "Hepatology"
    INTERVENTIONAL_RADIOLOGY = "interventional_radiology", "Interventional radiology"
    ONCOLOGY = "oncology", "Oncology"
    SURGERY = "surgery", "Surgery"
    PATHOLOGY = "pathology", "Pathology"
    RADIOLOGY = "radiology", "Radiology"
    NURSING = "nursing", "Nursing"
    OTHER = "other", "Other"


class BoardProfile(models.Model):
    """A board member's usual specialty, offered when they are added to a meeting.

    The specialty lives on the person (one place to keep it) *and* is copied onto each attendance
    row (``Attendee.specialty``): minutes and quorum of a past meeting must not change when a
    person's profile changes later, and a person may sit in once in another capacity.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_profile"
    )
    specialty = models.CharField(max_length=24, choices=Specialty.choices)
    history = HistoricalRecords(table_name="cases_historicalboardprofile")

    class Meta:
        db_table = "cases_boardprofile"

    def __str__(self) -> str:
        return f"{self.user} ({self.get_specialty_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_clean()
        super().save(*args, **kwargs)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_SESSION = "in_session", "In session"
    CLOSED = "closed", "Closed, minutes approved"


class MeetingFrozen(Exception):
    """A change to a meeting that is frozen: its first decision is signed, or it is closed.
    The views answer it with 409; the admin's forms get the same words from ``clean()``."""


CLOSED_MESSAGE = (
    "This meeting is closed and its minutes are approved: nothing about it changes. "
    "The coordinator can append an amendment to the minutes."
)
SIGNED_MESSAGE = (
    "A decision of this meeting is signed: its date, attendance, agenda order and questions are frozen."
)


class Meeting(models.Model):
    """One sitting of the tumor board: planned, then in session (opened by the coordinator), then
    closed (the coordinator approves the minutes). Each transition keeps who made it and when.

    Freezing: once a decision of the meeting is signed, its date, attendance, agenda and questions
    no longer change; once it is closed, nothing changes except amendments appended to the minutes.
    The rules live here and on the attendee and agenda models, so the admin follows them too.
    """

    title = models.CharField(max_length=120, default="Liver tumor board")
    starts_at = models.DateTimeField("date and time")
    location = models.CharField(
        max_length=120, blank=True, help_text="Room, or leave blank for a video meeting."
    )
    video_link = models.URLField(blank=True)
    # The agenda item the room is looking at, set by the coordinator's controls.
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Raised whenever what the displays show changes; a display polls it and answers 204 while it
    # is unchanged, so an idle room costs one indexed read per display per second.
    display_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, editable=False
    )
    opened_at = models.DateTimeField("session opened", null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField("minutes approved", null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # Moving through the agenda is not an edit of the meeting: no history row per key press.
    history = HistoricalRecords(
        excluded_fields=["current_item", "display_version"], table_name="cases_historicalmeeting"
    )

    class Meta:
        db_table = "cases_meeting"
        ordering = ["-starts_at"]
        # The two things a role may do here beyond reading (cases/permissions.py gives them to
        # the coordinator and board member groups).
        permissions = [
            ("manage_meetings", "Can build agendas and run meetings"),
            ("record_decision", "Can record and sign board decisions"),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        problem = self._frozen_change()
        if problem:
            raise MeetingFrozen(problem)
        self.full_clean()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    def clean(self) -> None:
        problem = self._frozen_change()
        if problem:
            raise ValidationError(problem)
        if not self.location.strip() and not self.video_link.strip():
            raise ValidationError("Give a location or a video link, so attendees know where to go.")

    EDITABLE = ("title", "starts_at", "location", "video_link")

    def _frozen_change(self) -> str | None:
        """Why this save may not happen, compared with the stored row (None when it may)."""
        if not self.pk:
            return None
        stored = Meeting.objects.filter(pk=self.pk).values("status", *self.EDITABLE).first()
        if stored is None:
            return None
        if stored["status"] == MeetingStatus.CLOSED:
            return CLOSED_MESSAGE
        if stored["starts_at"] != self.starts_at and self.has_signed_decision():
            return SIGNED_MESSAGE
        return None

    # --- lifecycle and freezing ---------------------------------------------------------------

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def can_open(self) -> bool:
        """Planned, and its day has come (a session never opens ahead of the meeting)."""
        return self.is_planned and self.day <= timezone.localdate()

    @property
    def in_session(self) -> bool:
        return self.status == MeetingStatus.IN_SESSION

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED

    def has_signed_decision(self) -> bool:
        return Decision.objects.filter(agenda_item__meeting_id=self.pk, signed_at__isnull=False).exists()

    def frozen_reason(self) -> str | None:
        """Why the date, attendance and agenda cannot change now (None while they can)."""
        if self.is_closed:
            return CLOSED_MESSAGE
        if self.pk and self.has_signed_decision():
            return SIGNED_MESSAGE
        return None

    def refuse_if_frozen(self) -> None:
        reason = self.frozen_reason()
        if reason:
            raise MeetingFrozen(reason)

    def refuse_if_closed(self) -> None:
        if self.is_closed:
            raise MeetingFrozen(CLOSED_MESSAGE)

    @property
    def day(self) -> datetime.date:
        return timezone.localdate(self.starts_at)

    @property
    def is_upcoming(self) -> bool:
        return self.day >= timezone.localdate()

    def quorum(self, attendees: Iterable[Attendee] | None = None) -> Quorum:
        """From the attendees marked present: those given (already loaded by the caller), or the
        meeting's (a prefetched ``attendees`` when there is one)."""
        people = self.attendees.all() if attendees is None else attendees
        return quorum(a.specialty for a in people if a.present)

    # --- the room's display -------------------------------------------------------------------

    def bump_display(self) -> None:
        Meeting.objects.filter(pk=self.pk).update(display_version=F("display_version") + 1)

    def show(self, item: AgendaItem) -> None:
        """Put an agenda item on every display (showing the current one again refreshes them)."""
        if item.meeting_id != self.pk:
            raise ValidationError("That case is not on this meeting's agenda.")
        Meeting.objects.filter(pk=self.pk).update(current_item=item, display_version=F("display_version") + 1)
        self.current_item = item

    def step(self, offset: int) -> AgendaItem | None:
        """Move the displays ``offset`` items along the agenda; stays put at either end."""
        items = list(self.items.all())
        if not items:
            return None
        ids = [i.pk for i in items]
        index = ids.index(self.current_item_id) if self.current_item_id in ids else 0
        target = items[max(0, min(len(items) - 1, index + offset))]
        if target.pk != self.current_item_id:
            self.show(target)
        return target

    def shown_item(self, items: list[AgendaItem]) -> AgendaItem | None:
        """The item on the displays: the current one, else the first on the agenda."""
        for item in items:
            if item.pk == self.current_item_id:
                return item
        return items[0] if items else None

    # --- agenda -------------------------------------------------------------------------------

    @transaction.atomic
    def move_item(self, item: AgendaItem, offset: int) -> None:
        """Swap an item with its neighbour (offset -1 = earlier, +1 = later)."""
        items = list(self.items.select_for_update())
        index = [i.pk for i in items].index(item.pk)
        other = index + offset
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        self.renumber(items)

    def renumber(self, items: list[AgendaItem]) -> None:
        for position, item in enumerate(items, start=1):
            if item.position != position:
                item.position = position
                item.save()
        self.bump_display()


class FrozenWithMeeting(models.Model):
    """A row of a meeting that freezes with it (attendance, agenda): saving (validated), cleaning or
    deleting it is refused while the meeting's date, attendance and agenda are frozen
    (Meeting.frozen_reason), with MeetingFrozen, which the views answer with 409."""

    meeting: Any

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.meeting.refuse_if_frozen()
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # The same rule as save(), as a form error (the admin's inline forms show it).
        reason = self.meeting.frozen_reason() if self.meeting_id else None  # type: ignore[attr-defined]
        if reason:
            raise ValidationError(reason)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.meeting.refuse_if_frozen()
        return super().delete(*args, **kwargs)


class Attendee(FrozenWithMeeting):
    """A person invited to a meeting, with the specialty they sit for and whether they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances")
    specialty = models.CharField(max_length=24, choices=Specialty.choices)
    # None until the coordinator marks the person: not yet marked is not "present".
    present = models.BooleanField(null=True, blank=True, default=None)
    history = HistoricalRecords(table_name="cases_historicalattendee")

    class Meta:
        db_table = "cases_attendee"
        ordering = ["specialty", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                name="attendee_once_per_meeting",
                violation_error_message="This person is already on the attendee list.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_specialty_display()})"

    @property
    def presence_label(self) -> str:
        return {True: "Present", False: "Absent", None: "Not marked"}[self.present]


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def with_decisions(self, in_force: DecisionQuerySet | None = None) -> AgendaItemQuerySet:
        """Each item with its decisions and its decision in force prefetched, so a whole agenda
        costs the same few queries. ``in_force``: the decisions to load the one in force from
        (e.g. with its actions, for the minutes)."""
        in_force = Decision.objects.all() if in_force is None else in_force
        return self.prefetch_related(
            "decisions",
            Prefetch(
                "decisions", queryset=in_force.in_force().order_by("-signed_at"), to_attr="decisions_in_force"
            ),
        )


class AgendaItem(FrozenWithMeeting):
    """A case on a meeting's agenda, in order, with the question put to the board."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    # PROTECT: deleting a case must never take a line out of a meeting's agenda (closed minutes are
    # final); a case that was on an agenda is closed (status), not deleted.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    question = models.TextField("question for the board", blank=True, **NOTE_LIMIT)
    history = HistoricalRecords(table_name="cases_historicalagendaitem")

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        db_table = "cases_agendaitem"
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                name="case_once_per_meeting",
                violation_error_message="This case is already on that meeting's agenda.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.case.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.position:
            last = AgendaItem.objects.filter(meeting_id=self.meeting_id).aggregate(last=Max("position"))[
                "last"
            ]
            self.position = (last or 0) + 1
        super().save(*args, **kwargs)  # FrozenWithMeeting: refused while the agenda is frozen

    @property
    def signed_decision(self) -> Decision | None:
        """The decision in force (``Decision.objects.in_force()``): from the list that
        ``with_decisions()`` prefetched for a whole agenda, else in one query."""
        in_force = getattr(self, "decisions_in_force", None)
        if in_force is None:
            in_force = list(self.decisions.in_force().order_by("-signed_at")[:1])
        return in_force[0] if in_force else None

    @property
    def draft_decision(self) -> Decision | None:
        # Reads ``decisions.all()`` so a prefetched list serves every item of an agenda.
        return next((d for d in self.decisions.all() if not d.is_signed), None)


class DeviationReason(models.TextChoices):
    PATIENT_PREFERENCE = "patient_preference", "Patient preference"
    COMORBIDITY = "comorbidity", "Comorbidity"
    TRIAL_ENROLMENT = "trial_enrolment", "Trial enrolment"
    OTHER = "other", "Other"


class ConcordanceStatus(models.TextChoices):
    CONCORDANT = CONCORDANT, "Follows the algorithm"
    DEVIATING = DEVIATING, "Deviates from the algorithm"


PLAN_CHOICES = [(key, PROPOSAL_LABELS[key]) for key in PROPOSALS] + [(OTHER_PLAN, "Other (describe)")]


class DecisionLocked(Exception):
    """A signed decision was about to change. Correct it with a new decision instead."""


class DecisionQuerySet(models.QuerySet["Decision"]):
    def in_force(self) -> DecisionQuerySet:
        """The decisions in force: signed, and not replaced by a signed correction. The one
        definition, used by the agenda, the minutes, the display, follow-up and the report (a
        correction still in draft leaves the decision it corrects in force)."""
        return self.filter(signed_at__isnull=False).exclude(correction__signed_at__isnull=False)


# From the queryset, so `Decision.objects.all()`, `.filter()` and `.in_force()` are typed as a
# DecisionQuerySet (the base must be a module-level name for django-stubs to read it).
_DecisionManagerBase = models.Manager.from_queryset(DecisionQuerySet)


class DecisionManager(_DecisionManagerBase["Decision"]):
    # The case page lists ``case.decisions`` with meeting, signer and recorder: one query.
    def get_queryset(self) -> DecisionQuerySet:
        queryset = DecisionQuerySet(self.model, using=self._db)
        return queryset.select_related("agenda_item__meeting", "signed_by", "recorded_by")


class Decision(Versioned):
    """The board's decision on one agenda item.

    Drafted and edited (versioned: a stale save is refused, cases/models/versioning.py), then signed
    while the meeting is in session. Concordance with the algorithm is computed from the
    engine (``meetings.concordance.judge_plan``, through ``meetings.services``), never taken from a
    form. Signing stores the case document, the assessment and the rule-set id of that moment and
    freezes the row.
    """

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions", editable=False)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction", editable=False
    )
    plan = models.CharField("plan", max_length=40, choices=PLAN_CHOICES)
    plan_other = models.CharField("plan in words", max_length=200, blank=True)
    rationale = models.TextField(blank=True, **NOTE_LIMIT)
    deviation_reason = models.CharField(
        "reason for deviating", max_length=20, choices=DeviationReason.choices, blank=True
    )
    deviation_note = models.TextField("about the deviation", blank=True, **NOTE_LIMIT)
    dissent = models.TextField("dissenting opinions", blank=True, **NOTE_LIMIT)
    next_review = models.DateField("next review", null=True, blank=True)
    acknowledged_flags = models.JSONField(default=list, blank=True, editable=False)
    concordance = models.CharField(
        max_length=10, choices=ConcordanceStatus.choices, blank=True, editable=False
    )
    concordance_why = models.TextField(blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    rule_set = models.CharField(max_length=20, blank=True, editable=False)
    case_snapshot = models.JSONField(null=True, blank=True, editable=False)
    assessment_snapshot = models.JSONField(null=True, blank=True, editable=False)
    # Whether the quorum was met when it was signed, and if not, the board's reason for signing anyway.
    quorum_met = models.BooleanField(null=True, blank=True, editable=False)
    quorum_reason = models.TextField(
        "reason for signing without quorum", blank=True, editable=False, **NOTE_LIMIT
    )
    history = HistoricalRecords(table_name="cases_historicaldecision")

    objects = DecisionManager()

    class Meta:
        db_table = "cases_decision"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=Q(signed_at__isnull=True),
                name="one_draft_decision_per_agenda_item",
                violation_error_message="This case already has a draft decision: continue that one.",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True)
                | Q(signed_by__isnull=False, case_snapshot__isnull=False, assessment_snapshot__isnull=False),
                name="signed_decision_has_its_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.label}: {self.plan_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Validate and store, refusing any change to a signed decision. Concordance is not
        computed here: ``meetings.services.save_draft`` and ``sign`` do it with the engine."""
        self.refuse_if_signed()
        self.agenda_item.meeting.refuse_if_closed()
        self.case_id = self.agenda_item.case_id
        super().save(*args, **kwargs)  # Versioned: validates, and refuses a stale save

    def get_absolute_url(self) -> str:
        return reverse("meetings:decision", args=[self.agenda_item.meeting_id, self.pk])

    # --- what it says -------------------------------------------------------------------------

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def plan_label(self) -> str:
        if self.plan == OTHER_PLAN:
            return self.plan_other or "Other"
        return PROPOSAL_LABELS.get(self.plan, self.plan)

    @property
    def deviates(self) -> bool:
        return self.concordance == ConcordanceStatus.DEVIATING

    @property
    def proposal(self) -> str | None:
        """The plan as the engine's proposal key (None for a plan in free text)."""
        return as_proposal(self.plan)

    @property
    def stop_flags(self) -> list[str]:
        """Stop flags the plan raised when it was signed (from the frozen assessment)."""
        flags = (self.assessment_snapshot or {}).get("flags", [])
        return [f["id"] for f in flags if f.get("severity") == "stop"]

    # --- validation and saving ----------------------------------------------------------------

    def clean(self) -> None:
        if self.agenda_item_id and self.agenda_item.meeting.is_closed:
            raise ValidationError(CLOSED_MESSAGE)
        errors: dict[str, str] = {}
        if self.plan == OTHER_PLAN and not self.plan_other.strip():
            errors["plan_other"] = "Describe the plan in words when it is not one of the listed plans."
        if self.plan != OTHER_PLAN and self.plan_other.strip():
            errors["plan_other"] = (
                "Only a plan of the kind “Other” is described in words: choose “Other” or clear this."
            )
        if self.next_review and self.agenda_item_id and self.next_review < self.agenda_item.meeting.day:
            errors["next_review"] = "The next review cannot be before the meeting."
        if self.corrects_id and self.corrects and not self.corrects.is_signed:
            errors["plan"] = "Only a signed decision is corrected; edit a draft directly."
        if self.corrects_id and self.corrects and self.corrects.agenda_item_id != self.agenda_item_id:
            errors["plan"] = "A correction belongs to the same agenda item as the decision it corrects."
        if not self.corrects_id and self.agenda_item_id and not self.is_signed:
            signed = Decision.objects.filter(agenda_item_id=self.agenda_item_id, signed_at__isnull=False)
            if signed.exclude(pk=self.pk).exists():
                errors["plan"] = (
                    "This case already has a signed decision at this meeting: record a correction."
                )
        if errors:
            raise ValidationError(errors)

    def signing_problems(self, concordance: Concordance) -> dict[str, str]:
        """What stops this decision being signed, by form field."""
        problems: dict[str, str] = {}
        if not self.rationale.strip():
            problems["rationale"] = "Write the board's rationale before signing."
        if concordance.status == DEVIATING and not self.deviation_reason:
            problems["deviation_reason"] = (
                "The plan deviates from the algorithm: give the reason before signing."
            )
        if self.deviation_reason == DeviationReason.OTHER and not self.deviation_note.strip():
            problems["deviation_note"] = "Say what the other reason for deviating is."
        unacknowledged = [flag for flag in concordance.stop_flags if flag not in self.acknowledged_flags]
        if unacknowledged:
            problems["acknowledged_flags"] = (
                "Acknowledge each stop flag the plan raises before signing: "
                + ", ".join(unacknowledged)
                + "."
            )
        return problems

    def refuse_if_signed(self) -> None:
        if self.pk and Decision.objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise DecisionLocked(f"Decision {self.pk} is signed and cannot change; record a correction.")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.refuse_if_signed()
        self.agenda_item.meeting.refuse_if_closed()
        return super().delete(*args, **kwargs)

    def record_concordance(self, concordance: Concordance) -> None:
        self.concordance = concordance.status
        self.concordance_why = concordance.why


class FollowUpAction(models.Model):
    """Something the board asked someone to do by a date. Frozen with its signed decision,
    except that it can be marked done."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("action", max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="followup_actions"
    )
    due = models.DateField("due date")
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords(table_name="cases_historicalfollowupaction")

    FROZEN = ("decision_id", "description", "owner_id", "due")

    class Meta:
        db_table = "cases_followupaction"
        ordering = ["due", "pk"]
        verbose_name = "follow-up action"

    def __str__(self) -> str:
        return f"{self.description} ({self.owner}, by {self.due})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        problem = self._frozen_change()
        if problem:
            raise DecisionLocked(problem)
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # As in save(), as a form error: the admin shows it instead of failing.
        problem = self._frozen_change() if self.decision_id else None
        if problem:
            raise ValidationError(problem)

    def _frozen_change(self) -> str | None:
        if Decision.objects.filter(
            pk=self.decision_id, signed_at__isnull=True, agenda_item__meeting__status=MeetingStatus.CLOSED
        ).exists():
            return CLOSED_MESSAGE
        if Decision.objects.filter(pk=self.decision_id, signed_at__isnull=False).exists():
            stored = (
                FollowUpAction.objects.filter(pk=self.pk).values(*self.FROZEN).first() if self.pk else None
            )
            if stored is None or any(stored[name] != getattr(self, name) for name in self.FROZEN):
                return "The decision is signed: its follow-up actions can only be marked done."
        return None

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Decision.objects.filter(pk=self.decision_id, signed_at__isnull=False).exists():
            raise DecisionLocked("The decision is signed: its follow-up actions cannot be removed.")
        self.decision.agenda_item.meeting.refuse_if_closed()
        return super().delete(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due < timezone.localdate()

    def mark_done(self, user: Any) -> None:
        self.done_at = timezone.now()
        self.done_by = user
        self.save()


class Amendment(models.Model):
    """A dated note appended to the approved minutes of a closed meeting, by the coordinator, with
    its reason. Amendments are only ever added: one is never changed or removed, and the minutes
    above them stay as they were approved."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="amendments")
    note = models.TextField("amendment", max_length=4000)
    reason = models.TextField("reason for the amendment", max_length=2000)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"Amendment of {self.meeting} by {self.made_by}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and Amendment.objects.filter(pk=self.pk).exists():
            raise MeetingFrozen("An amendment is never rewritten: append another one.")
        self.full_clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.pk and Amendment.objects.filter(pk=self.pk).exists():
            raise ValidationError("An amendment is never rewritten: append another one.")
        if self.meeting_id and not self.meeting.is_closed:
            raise ValidationError("Amendments are appended to approved minutes: close the meeting first.")
        if not self.note.strip():
            raise ValidationError({"note": "Write the amendment."})
        if not self.reason.strip():
            raise ValidationError({"reason": "Give the reason for the amendment."})

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise MeetingFrozen("An amendment is never removed: append another one that explains.")
