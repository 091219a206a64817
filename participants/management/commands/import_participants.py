from participants.imports.participants import import_participants
from participants.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import participants from a CSV file (see participants/imports/participants.py for the columns)."
    importer = staticmethod(import_participants)
