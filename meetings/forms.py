"""Forms for meetings, agendas and decisions. The models validate; these only pick the fields.

The templates draw them with crispy forms (Bootstrap 5), the one way forms are rendered.

The decision form has no concordance field on purpose: concordance is computed from the engine
(meetings.services), so a posted "concordance" value is simply ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from cases.clinical.proposals import PIT_SEVERITY, STOP
from cases.concurrency import VersionedForm
from cases.models import Case, Status
from cases.validators import NOTE_MAX, plausible_meeting_time
from meetings.models import (
    PLAN_CHOICES,
    AgendaItem,
    Attendee,
    BoardProfile,
    Decision,
    DeviationReason,
    FollowUpAction,
    Meeting,
    MeetingStatus,
    Specialty,
)

User = get_user_model()
STOP_FLAG_IDS = sorted(flag for flag, severity in PIT_SEVERITY.items() if severity == STOP)


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def people() -> Any:
    return User.objects.filter(is_active=True).order_by("username")


class MeetingForm(forms.ModelForm[Meeting]):
    video_link = forms.URLField(
        required=False, assume_scheme="https", help_text="Leave blank for a meeting in a room."
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "location", "video_link"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        starts_at = cast(forms.DateTimeField, self.fields["starts_at"])  # from the model's DateTimeField
        starts_at.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        starts_at.validators = [*starts_at.validators, plausible_meeting_time]
        if self.instance.starts_at:
            self.initial["starts_at"] = timezone.localtime(self.instance.starts_at).strftime("%Y-%m-%dT%H:%M")

    def moves_date(self) -> bool:
        """Whether the posted date differs from the stored one (a missing or invalid one does)."""
        try:
            posted = self.fields["starts_at"].clean(self.data.get("starts_at"))
        except ValidationError:
            return True
        return bool(posted != self.instance.starts_at)


class AttendeeForm(forms.ModelForm[Attendee]):
    """Add a person; the specialty defaults to the one on their board profile."""

    specialty = forms.ChoiceField(
        label="Sits for", choices=[("", "Their usual specialty"), *Specialty.choices], required=False
    )

    class Meta:
        model = Attendee
        fields = ["user", "specialty"]
        labels = {"user": "Person"}

    def __init__(self, data: Mapping[str, Any] | None = None, *, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(data, instance=Attendee(meeting=meeting), **kwargs)
        user = cast(forms.ModelChoiceField, self.fields["user"])  # from the model's ForeignKey
        user.queryset = people().exclude(attendances__meeting=meeting)
        user.empty_label = "Choose a person"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = data.get("user")
        if user and not data.get("specialty"):
            profile = BoardProfile.objects.filter(user=user).first()
            if profile is None:
                self.add_error("specialty", "This person has no usual specialty on file: choose one.")
            else:
                data["specialty"] = profile.specialty
                self.instance.specialty = profile.specialty
        return data


# The longest agenda a meeting takes (README "Limits"): its minutes PDF renders in under 5 s even
# with every text at its limit (tests/test_hostile_minutes.py).
MAX_AGENDA_ITEMS = 25


def agenda_room(meeting: Meeting, adding: int) -> None:
    """Refuse adding cases beyond MAX_AGENDA_ITEMS."""
    if meeting.items.count() + adding > MAX_AGENDA_ITEMS:
        raise forms.ValidationError(
            f"An agenda holds at most {MAX_AGENDA_ITEMS} cases; this meeting has {meeting.items.count()}."
        )


class AgendaCasesForm(forms.Form):
    """Several open cases at once, from the case list of the meeting's "Add cases" page."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(), widget=forms.CheckboxSelectMultiple, label="Cases to add"
    )

    def __init__(self, *args: Any, meeting: Meeting, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = Case.objects.filter(status=Status.OPEN).exclude(agenda_items__meeting=meeting)
        if query:
            cases = cases.filter(label__icontains=query)
        cast(forms.ModelMultipleChoiceField, self.fields["cases"]).queryset = cases.order_by("label")
        self.meeting = meeting

    def clean_cases(self) -> Any:
        cases = self.cleaned_data["cases"]
        agenda_room(self.meeting, len(cases))
        return cases


class AddToMeetingForm(forms.Form):
    """From a case page: which upcoming meeting, and the question for the board."""

    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), empty_label=None)
    question = forms.CharField(
        label="Question for the board",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        upcoming = (
            Meeting.objects.filter(starts_at__date__gte=today)
            .exclude(items__case=case)
            .exclude(status=MeetingStatus.CLOSED)  # its agenda is frozen
            .exclude(items__decisions__signed_at__isnull=False)  # as is one with a signed decision
        )
        cast(forms.ModelChoiceField, self.fields["meeting"]).queryset = upcoming.order_by("starts_at")

    def clean_meeting(self) -> Meeting:
        meeting: Meeting = self.cleaned_data["meeting"]
        agenda_room(meeting, 1)
        return meeting


class QuestionForm(forms.ModelForm[AgendaItem]):
    helper: FormHelper  # set where the form is laid out inline (inline_question_form)

    class Meta:
        model = AgendaItem
        fields = ["question"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}


def inline_question_form(item: AgendaItem) -> QuestionForm:
    """The question box under an agenda row: one line, its label read by screen readers only, and
    an id of its own per row (question-<pk>)."""
    form = QuestionForm(instance=item)
    form.fields["question"].label = f"Question for the board about {item.case.label}"
    form.fields["question"].widget.attrs.update(
        id=f"question-{item.pk}", rows=1, placeholder="Question for the board", **{"class": "form-control-sm"}
    )
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.label_class = "visually-hidden"
    return form


class CaseSearchForm(forms.Form):
    """The agenda's "add cases" filter: part of a case label."""

    q = forms.CharField(
        label="Case label", required=False, widget=forms.TextInput(attrs={"placeholder": "Case label"})
    )

    def __init__(self, *, query: str) -> None:
        super().__init__(initial={"q": query}, auto_id="%s")  # the input keeps the id q
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_class = "visually-hidden"


class DecisionForm(VersionedForm[Decision]):
    """The board's plan, rationale, deviation reason, dissent and next review.

    ``acknowledged_flags`` lists the stop flags the board has read and accepts; signing checks
    that every stop flag of the plan is among them. The view saves the decision through
    ``meetings.services.save_draft`` (``save(commit=False)`` here), which computes its concordance.
    A draft carries its version: of two people editing it, the second save is refused (409).
    """

    acknowledged_flags = forms.MultipleChoiceField(
        choices=[(flag, flag) for flag in STOP_FLAG_IDS], required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Decision
        fields = [
            "plan",
            "plan_other",
            "rationale",
            "deviation_reason",
            "deviation_note",
            "dissent",
            "next_review",
        ]
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "deviation_note": forms.Textarea(attrs={"rows": 2}),
            "dissent": forms.Textarea(attrs={"rows": 2}),
            "next_review": date_input(),
        }
        help_texts = {"plan_other": "Only when the plan is “Other”."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A model field with choices makes a ChoiceField (`fields` is typed as plain Fields).
        cast(forms.ChoiceField, self.fields["plan"]).choices = [
            ("", "— choose the board's plan —"),
            *PLAN_CHOICES,
        ]
        cast(forms.ChoiceField, self.fields["deviation_reason"]).choices = [
            ("", "— none: needed only when the plan deviates —"),
            *list(DeviationReason.choices),
        ]
        self.initial.setdefault("acknowledged_flags", list(self.instance.acknowledged_flags or []))

    def save(self, commit: bool = False) -> Decision:
        """The decision with the form's values, not saved: `meetings.services.save_draft` saves it,
        with its concordance computed from the engine (a form cannot store a draft without one)."""
        if commit:
            raise ValueError("save a decision through meetings.services.save_draft")
        self.instance.acknowledged_flags = sorted(self.cleaned_data.get("acknowledged_flags") or [])
        return super().save(commit=False)


class ActionForm(forms.ModelForm[FollowUpAction]):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due"]
        widgets = {"due": date_input()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = people()
        # One row per action under the table's column headings: no label above each input.
        self.helper = FormHelper()
        self.helper.form_show_labels = False


ActionFormSet = inlineformset_factory(
    Decision, FollowUpAction, form=ActionForm, extra=2, can_delete=True, max_num=20, validate_max=True
)


class SignForm(forms.Form):
    """The confirmation step of signing: the version of the draft confirmed, and — without quorum —
    the board's reason for signing anyway."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quorum_reason = forms.CharField(
        label="Reason for signing without quorum",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required because the quorum is not met; the minutes show it with the decision.",
    )


class AmendmentForm(forms.Form):
    note = forms.CharField(label="Amendment", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    reason = forms.CharField(
        label="Reason for the amendment", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
