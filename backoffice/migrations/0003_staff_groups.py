"""The four staff roles as groups with their model permissions (see accounts/roles.py).

- reviewer (petugas): view claims, participants, payments, ledger; act on claims; propose corrections;
- supervisor: everything a reviewer has, plus the second approval of claims and approving corrections;
- auditor: view only, every branch (read-only is also enforced by the admin classes);
- administrator: every permission.
Re-running keeps the groups in line with this table (it replaces their permissions).
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

VIEW = [
    "claims.view_claim",
    "claims.view_claimdocument",
    "claims.view_claimhistory",
    "claims.view_claimcheck",
    "claims.view_claimpayout",
    "participants.view_participant",
    "participants.view_ledgerentry",
    "participants.view_contribution",
    "participants.view_jhtbalance",
    "participants.view_branch",
    "participants.view_employer",
    "contributions.view_payment",
    "contributions.view_receipt",
    "backoffice.view_correctionrequest",
]
REVIEWER = [
    *VIEW,
    "claims.review_claim",
    "participants.change_participant",
    "backoffice.add_correctionrequest",
]
SUPERVISOR = [*REVIEWER, "claims.second_approve_claim", "backoffice.approve_correctionrequest"]
AUDITOR = [
    *VIEW,
    "contributions.view_gatewaynotification",
    "backoffice.view_accesslog",
    "claims.view_historicalclaim",
    "participants.view_historicalparticipant",
]
GROUPS = {"reviewer": REVIEWER, "supervisor": SUPERVISOR, "auditor": AUDITOR}


def load(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the groups need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = Permission.objects.all()
    for name, codes in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted += list(every.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
    admin_group, _ = Group.objects.get_or_create(name="administrator")
    admin_group.permissions.set(list(every))


class Migration(migrations.Migration):
    dependencies = [
        ("backoffice", "0002_access_log_append_only"),
        ("claims", "0005_claim_branch"),
        ("participants", "0006_participant_history"),
        ("contributions", "0005_bpu_registration_and_declarations"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
