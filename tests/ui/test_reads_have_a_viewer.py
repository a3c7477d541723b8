"""No code path in ui/ reads the store without saying who looks: every read the store offers
takes the viewer, and ui/ neither builds an all-seeing viewer nor reaches past the store."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from layers.store import Store

UI = Path(__file__).resolve().parents[2] / "ui"
ENTRY = UI.parent / "streamlit_app.py"
READS = {"frame": 1, "count": 1, "counts_by": 2, "record": 2, "history": 1}  # the viewer's position


def _sources() -> list[Path]:
    return [*UI.rglob("*.py"), ENTRY]


def test_every_read_of_the_store_requires_a_viewer():
    for name, position in READS.items():
        parameters = list(inspect.signature(getattr(Store, name)).parameters.values())[1:]
        viewer = parameters[position]
        assert viewer.name == "viewer" and viewer.default is inspect.Parameter.empty, name


def test_ui_calls_every_read_with_a_viewer():
    calls = 0
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in READS:
                if node.func.attr == "count" and not node.args:  # str.count and friends
                    continue
                given = len(node.args) + sum(k.arg == "viewer" for k in node.keywords)
                if node.func.attr in ("frame", "record", "history", "counts_by"):
                    assert given > READS[node.func.attr], f"{path.name}:{node.lineno} reads without a viewer"
                    calls += 1
    assert calls >= 1  # the scan sees the reads that exist (ui/state.layer_frame)


def test_ui_never_makes_an_all_seeing_viewer_nor_reaches_the_engine():
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "layers.access":
                assert not {a.name for a in node.names} & {"system", "operator"}, path.name
            if isinstance(node, ast.Attribute):
                assert node.attr != "engine", f"{path.name}:{node.lineno} reaches past the store"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", "") or ""]
                assert not any(n.startswith("sqlalchemy") for n in names), f"{path.name} speaks SQL"
