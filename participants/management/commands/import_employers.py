from participants.imports.employers import import_employers
from participants.management.commands._import_command import ImportCommand


class Command(ImportCommand):
    help = "Import employers from a CSV file (see participants/imports/employers.py for the columns)."
    importer = staticmethod(import_employers)
