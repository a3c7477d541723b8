"""Hostile input files for the importers; see build.py."""
