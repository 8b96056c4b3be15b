"""Audience figures from the front's access log: parse.py reads a line, importer.py adds a
file's lines to the daily counts, figures.py reads them for the admin, purge.py deletes
old ones."""

from .importer import import_log
from .purge import purge_audience

__all__ = ["import_log", "purge_audience"]
