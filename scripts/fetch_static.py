"""Vendor Leaflet, its plugins and the PDF font into static/vendor/ from the npm registry.

Each package is fetched with `npm pack NAME@VERSION` (pinned), its sha512 integrity
is checked against the value recorded here, and only the files the map needs are
unpacked. static/vendor/ is git-ignored; this script is part of the set-up commands.
Re-running it is cheap: packages already unpacked at the pinned version are skipped.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str
    files: tuple[str, ...]  # paths inside the tarball's package/ folder; a trailing / copies a folder.
    # Files land in static/vendor/NAME/ with a leading dist/ or src/ dropped.


PACKAGES = (
    Package(
        "leaflet",
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        ("dist/leaflet.js", "dist/leaflet.css", "dist/images/"),
    ),
    Package(
        "leaflet.fullscreen",
        "3.0.0",
        "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        ("Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
    Package(
        "leaflet-mouse-position",
        "1.2.0",
        "sha512-iKS25GZDRdoKZn0O5sjTyNcBYrq/wenLiOidj4jJ5iD4SfhyqVj+bJHgBwuMxOlf8Vc/9B1ZPlqYV4QA97nyFg==",
        ("src/L.Control.MousePosition.js", "src/L.Control.MousePosition.css"),
    ),
    Package(
        "leaflet-measure",
        "2.1.7",
        "sha512-IvoHIoVTIQSXUgaNnAMF17qXFB+dF5ICdwmY8BHyq/Hh33/xeGqQUUYlz0pRMzFN9NUcjsT6JBhCr1ia0CG5ug==",
        ("dist/leaflet-measure.js", "dist/leaflet-measure.css", "dist/images/"),
    ),
    Package(
        "leaflet-draw",
        "1.0.4",
        "sha512-rsQ6saQO5ST5Aj6XRFylr5zvarWgzWnrg46zQ1MEOEIHsppdC/8hnN8qMoFvACsPvTioAuysya/TVtog15tyAQ==",
        ("dist/leaflet.draw.js", "dist/leaflet.draw.css", "dist/images/"),
    ),
    Package(
        "leaflet.heat",
        "0.2.0",
        "sha512-Cd5PbAA/rX3X3XKxfDoUGi9qp78FyhWYurFg3nsfhntcM/MCNK08pRkf4iEenO1KNqwVPKCmkyktjW3UD+h9bQ==",
        ("dist/leaflet-heat.js",),
    ),
    Package(  # "Vị trí của tôi" on the map (folium.plugins.LocateControl, served from here)
        "leaflet.locatecontrol",
        "0.90.1",
        "sha512-i8HsspXuYsjOTyDKQKyAgXKxIRjYeW/9FynXgYiVnVKH5mWojlJ1bF/S1S9Z++Qkl5cEKtba+kQdRLBP+HhPnQ==",
        ("dist/L.Control.Locate.min.js", "dist/L.Control.Locate.min.css", "LICENSE.md"),
    ),
    Package(  # the field sheet PDF embeds these (Vietnamese diacritics); not used by the map
        "dejavu-fonts-ttf",
        "2.37.3",
        "sha512-f1hd7jJbeQa1VWcw+K2KrTXS50zTMaHpVC4XIKJpNcDeYR5ajMtj/iLlQDYNvLOKamUB3ARVVCf79lNwNVztSQ==",
        ("ttf/DejaVuSans.ttf", "ttf/DejaVuSans-Bold.ttf", "LICENSE"),
    ),
)


def _verify(tgz: Path, integrity: str) -> None:
    algo, expected = integrity.split("-", 1)
    actual = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{tgz.name}: integrity mismatch (expected {integrity})")


def _unpack(tgz: Path, package: Package, target: Path) -> None:
    with tarfile.open(tgz) as tar, tempfile.TemporaryDirectory() as tmp:
        tar.extractall(tmp, filter="data")
        root = Path(tmp) / "package"
        for item in package.files:
            source = root / item
            relative = Path(item.rstrip("/"))
            if relative.parts[0] in ("dist", "src"):
                relative = relative.relative_to(relative.parts[0])
            dest = target / relative
            if item.endswith("/"):
                shutil.copytree(source, dest, dirs_exist_ok=True)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest)


def fetch(package: Package) -> bool:
    """Vendor one package; False when the pinned version is already in place."""
    target = VENDOR / package.name
    stamp = target / ".version"
    if stamp.exists() and stamp.read_text().strip() == f"{package.version} {package.integrity}":
        return False
    with tempfile.TemporaryDirectory() as tmp:
        spec = f"{package.name}@{package.version}"
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        tgz = next(Path(tmp).glob("*.tgz"))
        _verify(tgz, package.integrity)
        shutil.rmtree(target, ignore_errors=True)
        _unpack(tgz, package, target)
    stamp.write_text(f"{package.version} {package.integrity}\n")
    return True


def main() -> int:
    if shutil.which("npm") is None:
        print("npm is needed to fetch Leaflet into static/vendor (apt-get install npm)", file=sys.stderr)
        return 2
    for package in PACKAGES:
        state = "fetched" if fetch(package) else "up to date"
        print(f"static/vendor/{package.name} {package.version}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
