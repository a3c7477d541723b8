"""The papers printed from one record for people to read and sign (a witness's statement), each
declared beside its maker: pages offer a layer's papers on each of its records."""

from __future__ import annotations

from layers.exporters.dossier import PAPER as DOSSIER
from layers.exporters.paper import Paper
from layers.exporters.statement import PAPER as STATEMENT

PAPERS: tuple[Paper, ...] = (STATEMENT, DOSSIER)


def papers_for(layer_name: str) -> tuple[Paper, ...]:
    """The papers printed from a record of this layer."""
    return tuple(paper for paper in PAPERS if paper.layer == layer_name)
