"""What the user sees when a save is refused because someone else saved first.

The form keeps what the user typed; the message lists, field by field, the value now saved and
the value typed; saving again applies the typed values over the saved version (the form is
re-bound to the current version number). Nothing already saved is lost either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django import forms
from django.db import models
from django.http import QueryDict

from cases.models.versioning import Versioned

V = TypeVar("V", bound=Versioned)


MAX_VERSION = 2**31 - 1  # PositiveIntegerField's largest value on every database


class VersionedForm(forms.ModelForm[V]):
    """A ModelForm that carries the version it was read at, so a stale save is detected."""

    # Bounded: a forged 20-digit version is a form error, not a database overflow (500).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_VERSION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # An edit must say which version it was read at; without it, no stale save is detected.
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # Django's model-validation hook, not in django-stubs
        if self.instance.pk and self.cleaned_data.get("version"):
            self.instance.version = self.cleaned_data["version"]


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    saved: str
    yours: str


def _shown(form: forms.BaseForm, name: str, value: Any) -> str:
    field = form.fields[name]
    if value in (None, ""):
        return "not recorded"
    if isinstance(field, forms.NullBooleanField):
        return "yes" if value else "no"
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


def differences(
    form: forms.BaseForm, current: models.Model | None, names: list[str] | None = None
) -> list[Difference]:
    """Fields whose saved value differs from the value typed in the form."""
    if current is None:
        return []
    result = []
    for name in names or [n for n in form.fields if n != "version"]:
        if not hasattr(current, name) or name not in form.cleaned_data:
            continue
        saved, yours = getattr(current, name), form.cleaned_data[name]
        if saved == "" or saved is None:
            saved = None
        if yours == "":
            yours = None
        if saved != yours:
            result.append(
                Difference(
                    name,
                    str(form.fields[name].label or name),
                    _shown(form, name, saved),
                    _shown(form, name, yours),
                )
            )
    return result


def conflict_message(current: models.Model | None, what: str) -> str:
    if current is None:
        return f"This {what} was deleted by someone else while you were editing it. Nothing was saved."
    return (
        f"Someone else saved this {what} while you were editing it, so your save was not applied. "
        "The saved values and yours are listed below; your values are still in the form. "
        "Save again to apply yours over the saved version, or cancel to keep the saved one."
    )


def rebind(form: forms.ModelForm, current: Versioned) -> forms.ModelForm:
    """The same form, bound to the typed data but at the current version (for "save again")."""
    data = cast(QueryDict, form.data).copy()  # a refused save: the form was bound to request.POST
    data["version"] = str(current.version)
    return type(form)(data, instance=current)
