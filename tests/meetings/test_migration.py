"""The meeting models' move from the cases app to the meetings app keeps every row.

A database as it was before the move (cases/migrations/0004_meetings.py: a meeting with its agenda,
an attendee, a signed decision with a follow-up action and its history row, an admin log entry)
is migrated forward and read back through the new models. The roles keep their meeting
permissions, and content types and admin history point at the models in their new app.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.models import Case
from cases.permissions import BOARD_MEMBER, COORDINATOR, ensure_roles
from meetings.models import AgendaItem, Attendee, BoardProfile, Decision, FollowUpAction, Meeting

BEFORE = [("cases", "0004_meetings")]  # the meeting models still in the cases app
TABLES = ("meeting", "attendee", "agendaitem", "decision", "followupaction", "boardprofile")
MOVED = TABLES + tuple(f"historical{name}" for name in TABLES)


def migrate(targets: list[tuple[str, str]] | None = None) -> Any:
    """Migrate to the targets (None: the latest migrations) and return the apps of that state."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(targets or leaves)
    ContentType.objects.clear_cache()  # the rows behind the cache were relabelled
    if targets is None:
        return MigrationExecutor(connection).loader.project_state(leaves).apps
    # Every other app as it is (admin's log entries too, which the cases migrations do not depend on).
    others = [leaf for leaf in leaves if leaf[0] not in ("cases", "meetings")]
    return MigrationExecutor(connection).loader.project_state([*targets, *others]).apps


@pytest.fixture
def before_the_move() -> Iterator[Any]:
    """The apps of the state before the move; the latest migrations are restored afterwards."""
    try:
        yield migrate(BEFORE)
    finally:
        migrate()


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for name in MOVED:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name('cases_' + name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def old_meeting(apps: Any) -> dict[str, Any]:
    """A meeting as the cases app stored it: agenda item, attendee, a signed decision with an action."""
    user = apps.get_model("auth", "User").objects.create(username="old-signer")
    case = apps.get_model("cases", "Case").objects.create(label="HCC-OLD-1")
    meeting = apps.get_model("cases", "Meeting").objects.create(
        title="Board before the move", starts_at=timezone.now(), location="Room 3"
    )
    item = apps.get_model("cases", "AgendaItem").objects.create(
        meeting=meeting, case=case, position=1, question="Systemic therapy now?"
    )
    apps.get_model("cases", "Attendee").objects.create(
        meeting=meeting, user=user, specialty="surgery", present=True
    )
    apps.get_model("cases", "BoardProfile").objects.create(user=user, specialty="surgery")
    now = timezone.now()
    snapshot = {"rule_set": "kr-2022.1", "flags": [{"id": "PIT-AB-EGD", "severity": "stop"}]}
    decision = apps.get_model("cases", "Decision").objects.create(
        agenda_item=item,
        case=case,
        plan="sorafenib",
        rationale="Refractory; Child-Pugh A.",
        concordance="deviating",
        concordance_why="Sorafenib is eligible.",
        deviation_reason="patient_preference",
        recorded_by=user,
        signed_by=user,
        signed_at=now,
        rule_set="kr-2022.1",
        case_snapshot={"format": "hcc-case/1"},
        assessment_snapshot=snapshot,
        acknowledged_flags=["PIT-AB-EGD"],
    )
    apps.get_model("cases", "FollowUpAction").objects.create(
        decision=decision, description="Book the first cycle", owner=user, due=datetime.date(2030, 1, 15)
    )
    apps.get_model("cases", "HistoricalDecision").objects.create(
        id=decision.pk,
        plan="sorafenib",
        created_at=now,
        updated_at=now,
        signed_at=now,
        history_date=now,
        history_type="+",
        agenda_item_id=item.pk,
        case_id=case.pk,
        recorded_by_id=user.pk,
        signed_by_id=user.pk,
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get(
        app_label="cases", model="meeting"
    )
    apps.get_model("admin", "LogEntry").objects.create(
        action_time=now,
        user=user,
        content_type=content_type,
        object_id=str(meeting.pk),
        object_repr=str(meeting.pk),
        action_flag=2,
        change_message="",
    )
    return {"meeting": meeting.pk, "item": item.pk, "decision": decision.pk, "case": case.pk, "user": user.pk}


def permission_ids(apps: Any) -> dict[str, int]:
    """The meeting permissions before the move: declared on cases.Case."""
    Permission = apps.get_model("auth", "Permission")
    rows = Permission.objects.filter(codename__in=("manage_meetings", "record_decision"))
    assert {(p.codename, p.content_type.app_label, p.content_type.model) for p in rows} == {
        ("manage_meetings", "cases", "case"),
        ("record_decision", "cases", "case"),
    }
    return {p.codename: p.pk for p in rows}


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_meeting_row_and_the_roles_permissions(before_the_move: Any) -> None:
    apps = before_the_move
    ensure_roles(
        apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    )  # a flush may have emptied them
    ids = old_meeting(apps)
    permissions = permission_ids(apps)
    content_types = {
        ct.model: ct.pk
        for ct in apps.get_model("contenttypes", "ContentType").objects.filter(
            app_label="cases", model__in=MOVED
        )
    }
    counts = table_counts()

    migrate()

    assert table_counts() == counts  # nothing lost, nothing added
    meeting = Meeting.objects.get(pk=ids["meeting"])
    assert meeting.title == "Board before the move" and meeting.quorum().lacking == (
        "Hepatology or oncology",
        "Interventional radiology",
    )
    item = AgendaItem.objects.get(pk=ids["item"])
    assert item.meeting == meeting and item.case == Case.objects.get(pk=ids["case"])
    assert item.question == "Systemic therapy now?"
    assert Attendee.objects.get(meeting=meeting).user_id == ids["user"]
    assert BoardProfile.objects.get(user_id=ids["user"]).specialty == "surgery"
    decision = Decision.objects.get(pk=ids["decision"])
    assert item.signed_decision == decision and decision.is_signed and decision.deviates
    assert decision.stop_flags == ["PIT-AB-EGD"] and decision.acknowledged_flags == ["PIT-AB-EGD"]
    assert decision.case_snapshot == {"format": "hcc-case/1"} and decision.rule_set == "kr-2022.1"
    assert [a.description for a in FollowUpAction.objects.filter(decision=decision)] == [
        "Book the first cycle"
    ]
    assert list(decision.history.values_list("plan", "history_type")) == [("sorafenib", "+")]
    # A meeting held before the lifecycle existed (issue 10) is in session from its first signature,
    # for the coordinator to close; its signed decision is version 1.
    assert meeting.in_session and meeting.opened_at == decision.signed_at
    assert meeting.opened_by == decision.signed_by and decision.version == 1

    # Content types were relabelled in place (same ids), none left behind in cases.
    moved = {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="meetings", model__in=MOVED)}
    assert "meeting" in content_types and all(moved.get(model) == pk for model, pk in content_types.items())
    assert not ContentType.objects.filter(app_label="cases", model__in=MOVED).exists()
    log = LogEntry.objects.get(object_id=str(meeting.pk), content_type__app_label="meetings")
    assert log.get_edited_object() == meeting

    # The same permission rows, now on meetings.Meeting, still held by the same roles: no duplicate.
    meeting_type = ContentType.objects.get_for_model(Meeting)
    for codename, pk in permissions.items():
        assert list(Permission.objects.filter(codename=codename).values_list("pk", "content_type")) == [
            (pk, meeting_type.pk)
        ]
    assert Group.objects.get(name=COORDINATOR).permissions.filter(codename="manage_meetings").exists()
    assert Group.objects.get(name=BOARD_MEMBER).permissions.filter(codename="record_decision").exists()
    member = User.objects.create_user("after-the-move")
    member.groups.add(Group.objects.get(name=BOARD_MEMBER))
    assert member.has_perm("meetings.record_decision") and not member.has_perm("meetings.manage_meetings")


@pytest.mark.django_db(transaction=True)
def test_rows_made_early_on_the_new_side_are_merged_not_duplicated(before_the_move: Any) -> None:
    """`migrate cases` run alone makes the meetings app's content types and permissions before its
    migrations run: the old and the new rows are merged, the grants and the log kept."""
    apps = before_the_move
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
    ids = old_meeting(apps)
    early = apps.get_model("contenttypes", "ContentType").objects.create(
        app_label="meetings", model="meeting"
    )
    apps.get_model("auth", "Permission").objects.create(
        content_type=early, codename="manage_meetings", name="Can build agendas and run meetings"
    )

    migrate()

    assert Permission.objects.filter(codename="manage_meetings").count() == 1
    assert ContentType.objects.filter(model="meeting").count() == 1
    coordinators = Group.objects.get(name=COORDINATOR).permissions
    assert coordinators.get(codename="manage_meetings").content_type == ContentType.objects.get_for_model(
        Meeting
    )
    log = LogEntry.objects.get(object_id=str(ids["meeting"]))
    assert log.content_type.app_label == "meetings" and log.get_edited_object().pk == ids["meeting"]
