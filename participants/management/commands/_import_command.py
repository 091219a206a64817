"""Shared command wrapper for the CSV imports: run, print the summary and every rejected line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from participants.imports.base import ImportFileError, ImportReport


class ImportCommand(BaseCommand):
    importer: Callable[[str | Path], ImportReport]

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV file with a header row (UTF-8)")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            report = type(self).importer(file)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        for line, reason in report.rejected:
            self.stderr.write(f"line {line}: {reason}")
        self.stdout.write(report.summary())
