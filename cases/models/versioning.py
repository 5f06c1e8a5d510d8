"""Optimistic concurrency: no edit silently overwrites another.

Every editable record carries a version number. A save names the version it was read at; the
database row is claimed with a conditional UPDATE (`WHERE version = read version`), so of two
people who opened the same record, the first save wins and the second is refused with the saved
values to compare. On PostgreSQL the conditional UPDATE also takes the row lock, so two
concurrent transactions cannot both pass the check.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F


class StaleEdit(Exception):
    """The record changed (or was deleted) after it was read; `current` is what is saved now."""

    def __init__(self, current: Versioned | None) -> None:
        super().__init__("the record was changed by someone else")
        self.current = current


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Validation lives in the model: a value refused in a form is refused everywhere else too.
        self.full_clean()
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        manager = type(self)._default_manager
        with transaction.atomic():
            claimed = manager.filter(pk=self.pk, version=self.version).update(version=F("version") + 1)
            if not claimed:
                raise StaleEdit(manager.filter(pk=self.pk).first())
            self.version += 1
            super().save(*args, **kwargs)
