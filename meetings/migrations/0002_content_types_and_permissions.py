"""Content types and permissions follow the meeting models from the cases app to this one.

Django names a model's content type and permissions by app label. Without this migration the old
rows (``cases | meeting`` …) would be left behind as stale, and new ones made beside them: admin
history would point at models that no longer exist, and the groups would lose ``manage_meetings``
and ``record_decision``. So the rows are relabelled in place, keeping their ids, and every
permission, group grant, user grant and admin log entry that points at them keeps pointing at them:

- each meeting model's content type (and its history model's) changes app label: ``cases`` →
  ``meetings``; their add/change/delete/view permissions go with them;
- ``manage_meetings`` and ``record_decision``, declared on ``Case`` until now, move to the content
  type of ``meetings.Meeting`` (where they are declared now), with the groups that hold them.

Where a row exists on both sides (e.g. ``migrate cases`` run alone made the new content types
first), the two are merged: grants and log entries move to the surviving row, no duplicate is left.
Reversible: going back moves everything to the cases app again.
"""

from django.conf import settings
from django.db import migrations

MODELS = ("meeting", "attendee", "agendaitem", "decision", "followupaction", "boardprofile")
CONTENT_TYPES = MODELS + tuple(f"historical{model}" for model in MODELS)
# Declared on cases.Case before the move, on meetings.Meeting after it.
PERMISSIONS = ("manage_meetings", "record_decision")


def _merge_permission(apps, duplicate, survivor):
    """Give the survivor every grant of the duplicate, then delete the duplicate."""
    for group in duplicate.group_set.all():
        group.permissions.add(survivor)
    for user in apps.get_model(settings.AUTH_USER_MODEL).objects.filter(user_permissions=duplicate):
        user.user_permissions.add(survivor)
    duplicate.delete()


def _move_permission(apps, permission, content_type):
    Permission = apps.get_model("auth", "Permission")
    survivor = Permission.objects.filter(content_type=content_type, codename=permission.codename).first()
    if survivor is None:
        permission.content_type = content_type
        permission.save(update_fields=["content_type"])
    else:
        _merge_permission(apps, permission, survivor)


def _relabel(apps, model, old_app, new_app):
    """Give the content type of ``old_app.model`` the label ``new_app``, merging with an existing one."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    old = ContentType.objects.filter(app_label=old_app, model=model).first()
    if old is None:
        return
    new = ContentType.objects.filter(app_label=new_app, model=model).first()
    if new is None:
        old.app_label = new_app
        old.save(update_fields=["app_label"])
        return
    for permission in Permission.objects.filter(content_type=old):
        _move_permission(apps, permission, new)
    LogEntry.objects.filter(content_type=old).update(content_type=new)
    old.delete()


def _move_declared_permissions(apps, from_model, to_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    source = ContentType.objects.filter(app_label=from_model[0], model=from_model[1]).first()
    if source is None:
        return
    # On a new database the meeting models have no content type yet: the permissions make it.
    target, _ = ContentType.objects.get_or_create(app_label=to_model[0], model=to_model[1])
    for permission in Permission.objects.filter(content_type=source, codename__in=PERMISSIONS):
        _move_permission(apps, permission, target)


def forwards(apps, schema_editor):
    for model in CONTENT_TYPES:
        _relabel(apps, model, "cases", "meetings")
    _move_declared_permissions(apps, ("cases", "case"), ("meetings", "meeting"))


def backwards(apps, schema_editor):
    # The permissions first, while meetings.Meeting's content type still has its label.
    _move_declared_permissions(apps, ("meetings", "meeting"), ("cases", "case"))
    for model in CONTENT_TYPES:
        _relabel(apps, model, "meetings", "cases")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
        # The roles and their permissions exist (cases/migrations/0002_roles.py).
        ("cases", "0005_meetings_leave_cases"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
