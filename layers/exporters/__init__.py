"""Layers out: files for field teams and partner agencies, always from one FilterSpec."""
