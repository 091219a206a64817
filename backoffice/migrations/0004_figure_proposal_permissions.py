"""Figure changes under maker-checker (participants/rates/proposals.py): administrators propose and
approve (a different administrator approves), auditors look. The permissions of a model added after
0003 are not in the groups 0003 filled, so they are granted here."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

GRANTS = {
    "administrator": [
        "view_figureproposal",
        "add_figureproposal",
        "change_figureproposal",
        "delete_figureproposal",
        "approve_figureproposal",
    ],
    "auditor": ["view_figureproposal"],
}


def grant(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the groups need them now.
    config = apps.get_app_config("participants")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="participants", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0003_staff_groups"),
        ("participants", "0011_figure_proposals"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
