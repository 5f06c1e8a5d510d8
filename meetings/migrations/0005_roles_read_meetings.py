"""Reading the board's meetings needs a role: every role gets `view_meeting` (cases/permissions.py).

Before this, any signed-in user read meetings, minutes and decisions; now a user in no group reads
nothing (the permission matrix's fifth role)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from cases.permissions import ensure_roles


def grant(apps, schema_editor):
    for label in ("cases", "meetings", "auth"):
        config = apps.get_app_config(label)
        config.models_module = getattr(config, "models_module", None) or True
        create_permissions(config, apps=apps, verbosity=0)
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_free_text_limits")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
