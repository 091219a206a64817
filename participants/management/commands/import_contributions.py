from participants.imports.contributions import import_contributions
from participants.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import contributions from a CSV file (see participants/imports/contributions.py for the columns)."
    importer = staticmethod(import_contributions)
