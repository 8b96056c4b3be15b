"""Dates and times as each language writes them, one form per language for the whole site and
its admin (pages, lists, read-only values, history, start page): "20 January 2027, 14:05",
"20 janvier 2027, 14:05", "20 de enero de 2027, 14:05". Django reads the formats of each
language from here first (FORMAT_MODULE_PATH), then from its own.
"""
