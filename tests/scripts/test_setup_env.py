"""scripts/setup-env.sh on a stock Debian whose python3 has no venv module yet."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
# python3 whose venv module works only once python3-venv is installed (as Debian's does)
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin"
  [ -f "$WORK/python3-venv-installed" ] || { echo "ensurepip is not available" >&2; exit 1; }
  printf 'VIRTUAL_ENV=%s\\nexport VIRTUAL_ENV\\nPATH="$VIRTUAL_ENV/bin:$PATH"\\n' "$PWD/$3" > "$3/bin/activate"
  printf '#!/bin/sh\\necho "$@" >> "$WORK/pip.log"\\n' > "$3/bin/python"
  chmod +x "$3/bin/python"
  exit 0
fi
exit 0
"""
FAKE_APT = """#!/bin/sh
echo "$@" >> "$WORK/apt.log"
case "$*" in *python3-venv*) touch "$WORK/python3-venv-installed" ;; esac
"""


def _tool(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text)
    (folder / name).chmod(0o755)


def test_python3_venv_is_installed_when_the_venv_module_is_missing(tmp_path):
    tools = tmp_path / "bin"
    tools.mkdir()
    _tool(tools, "python3", FAKE_PYTHON)
    _tool(tools, "apt-get", FAKE_APT)
    _tool(tools, "npm", "#!/bin/sh\nexit 0\n")
    shutil.copy(ROOT / "scripts" / "setup-env.sh", tmp_path / "setup-env.sh")
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / "constraints.txt").write_text("")
    env = {"PATH": f"{tools}:/usr/bin:/bin", "WORK": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["bash", "-c", "set -euo pipefail; source setup-env.sh; echo ready in $VIRTUAL_ENV"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "python3-venv" in (tmp_path / "apt.log").read_text()
    assert f"ready in {tmp_path / '.venv'}" in done.stdout
    assert "install" in (tmp_path / "pip.log").read_text()
    assert os.access(tmp_path / ".venv" / "bin" / "python", os.X_OK)
