"""Fill the database named by DATABASE_URL with realistic synthetic cases, fast (bulk inserts).

    .venv/bin/python bench/populate.py N            # add N cases
    .venv/bin/python bench/populate.py --total N    # add cases until there are N BENCH-* cases
    .venv/bin/python bench/populate.py --users 0    # only the three demo users (no case)

Cases are labelled BENCH-0000-001, BENCH-0000-002, …; each gets its dated records from the test
factories (tests/factories.py): 4–16 lab draws, 1–4 clinical findings, 2–6 imaging studies, 0–2
endoscopies, 1–6 TACE sessions with mRECIST responses, and for one case in four a line of
systemic therapy. The records of case number i depend only on i (a seeded generator), so
BENCH-0000-001 — the case the performance budget measures — is the same case at 10 and at 10,000
cases: 10 lab draws, 3 clinical findings, 4 imaging studies, 1 endoscopy, 4 TACE sessions.

Rows are written with bulk_create: no model validation, no history rows, no `touch_case` (the
data are valid by construction); then each batch's worklist summary is computed by the engine and
written, as a save would (cases/worklist.py). The demo users (`seed_demo`'s, with DEMO_PASSWORD) are created
when missing. Also makes a meeting with the first three cases on its agenda when none exists, so the
meeting display can be polled.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tumorboard.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")  # only for the fallback secret key; nothing is served

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases import models as m  # noqa: E402
from cases import worklist  # noqa: E402
from cases.record_kinds import RECORD_KINDS  # noqa: E402
from meetings.models import AgendaItem, Meeting  # noqa: E402
from tests.factories import (  # noqa: E402
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    TherapyFactory,
)

PREFIX = "BENCH-"
BATCH = 500  # cases per transaction


def label(number: int) -> str:
    """BENCH-0000-001 … BENCH-9999-999: never six digits in a row, which read as a record number and
    make a label refused (cases/validators.py), up to ten million cases."""
    return f"{PREFIX}{number // 1000:04d}-{number % 1000:03d}"


def ensure_demo_users() -> None:
    from cases.management.commands.seed_demo import DEMO_USERS

    for username, role in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        if created or not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))


def _case_records(number: int, case: m.Case, today: datetime.date) -> dict[str, list]:
    """The dated records of case `number` by kind (URL slug): a TACE course with labs, imaging and
    findings around it. A kind not made here is left empty."""
    rng = random.Random(number)
    if number == 1:  # the measured case: fixed counts
        n_labs, n_clinical, n_imaging, n_endo, n_tace, therapy = 10, 3, 4, 1, 4, False
    else:
        n_labs, n_clinical, n_imaging = rng.randint(4, 16), rng.randint(1, 4), rng.randint(2, 6)
        n_endo, n_tace, therapy = rng.randint(0, 2), rng.randint(1, 6), rng.random() < 0.25

    def day(ago: int) -> datetime.date:
        return today - datetime.timedelta(days=ago)

    def spread(count: int, first: int, step: int) -> list[datetime.date]:
        return [day(first + step * i + rng.randint(0, step // 3)) for i in range(count)]

    labs = [
        LabFactory.build(
            case=case,
            date=date,
            bilirubin_mg_dl=round(rng.uniform(0.5, 2.5), 1),
            albumin_g_dl=round(rng.uniform(2.8, 4.6), 1),
            inr=round(rng.uniform(0.9, 1.6), 2),
            ast_u_l=rng.randint(20, 120),
            platelets_10e9_l=rng.randint(60, 260),
            afp_ng_ml=round(rng.uniform(2, 900), 1),
            pivka_mau_ml=round(rng.uniform(10, 2000), 1),
        )
        for date in spread(n_labs, 3, 30)
    ]
    clinical = [
        ClinicalFactory.build(case=case, date=date, ascites=rng.choice(["none", "none", "none", "mild"]))
        for date in spread(n_clinical, 4, 60)
    ]
    imaging = [
        ImagingFactory.build(
            case=case,
            date=date,
            nodule_count=rng.randint(1, 6),
            largest_cm=round(rng.uniform(1.0, 9.0), 1),
            liver_involvement_pct=rng.randint(5, 45),
        )
        for date in spread(n_imaging, 10, 75)
    ]
    endoscopies = [EndoscopyFactory.build(case=case, date=date) for date in spread(n_endo, 40, 180)]
    sessions = [
        TaceFactory.build(
            case=case,
            date=date,
            response=rng.choice(["CR", "PR", "SD", "SD", "PD"]),
            response_date=date + datetime.timedelta(days=30),
            tumor_count_after=rng.randint(1, 5),
        )
        for date in spread(n_tace, 60, 70)
    ]
    therapies = [TherapyFactory.build(case=case)] if therapy else []
    return {
        "labs": labs,
        "clinical": clinical,
        "imaging": imaging,
        "endoscopies": endoscopies,
        "tace": sessions,
        "therapies": therapies,
    }


def add_cases(first: int, count: int) -> None:
    today = timezone.localdate()
    for start in range(first, first + count, BATCH):
        numbers = range(start, min(start + BATCH, first + count))
        with transaction.atomic():
            cases = m.Case.objects.bulk_create(
                [
                    CaseFactory.build(
                        label=label(n),
                        age=random.Random(-n).randint(38, 86),
                        sex=random.Random(-n).choice("MF"),
                        ecog=random.Random(-n).choice([0, 0, 0, 1, 1, 2]),
                    )
                    for n in numbers
                ]
            )
            rows: dict[str, list] = {kind.slug: [] for kind in RECORD_KINDS}
            for n, case in zip(numbers, cases, strict=True):
                for slug, records in _case_records(n, case, today).items():
                    rows[slug].extend(records)
            for kind in RECORD_KINDS:
                kind.model.objects.bulk_create(rows[kind.slug], batch_size=2000)
            # What the label search reads, as a save would write it (m.LabelSuffix.sync).
            m.LabelSuffix.objects.bulk_create(
                (
                    m.LabelSuffix(case=case, suffix=suffix)
                    for case in cases
                    for suffix in m.LabelSuffix.of(case.label)
                ),
                batch_size=5000,
            )
            # The worklist's stored summary, as a save would write it (bulk_create sends no signal).
            worklist.refresh(m.Case.objects.filter(pk__in=[case.pk for case in cases]))


def ensure_meeting() -> None:
    """A meeting now with the first three cases (by label) on its agenda, the first one shown."""
    if Meeting.objects.exists():
        return
    cases = list(m.Case.objects.order_by("label")[:3])
    if not cases:
        return
    meeting = Meeting.objects.create(title="Benchmark board", starts_at=timezone.now(), location="Room 1")
    items = [
        AgendaItem.objects.create(meeting=meeting, case=case, position=position)
        for position, case in enumerate(cases, start=1)
    ]
    meeting.show(items[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, nargs="?", default=0, help="cases to add")
    parser.add_argument("--total", type=int, help="add cases until there are this many BENCH-* cases")
    parser.add_argument("--no-meeting", action="store_true", help="do not create a meeting")
    args = parser.parse_args()
    started = time.perf_counter()
    ensure_demo_users()
    existing = m.Case.objects.filter(label__startswith=PREFIX).count()
    count = max(0, args.total - existing) if args.total is not None else args.count
    add_cases(existing + 1, count)
    if not args.no_meeting:
        ensure_meeting()
    print(
        f"populate: {count} case(s) added, {existing + count} BENCH case(s), "
        f"{m.Case.objects.count()} case(s) in all, {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
