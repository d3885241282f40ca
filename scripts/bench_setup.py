"""Print set-up figures: installing the test requirements with pip, then with uv, in the same run.

Run with `make bench` (or `.venv/bin/python scripts/bench_setup.py`). Each installer gets a fresh
venv in a temporary folder and no download cache, as on a learner's first `make test`, and installs
requirements-dev.txt with the versions from requirements.lock. Figures to read, not a test; it takes
a couple of minutes, most of it pip's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from setup_venv import UV_REQUIREMENT, install_commands, venv_python  # noqa: E402

REQUIREMENTS = "requirements-dev.txt"


def timed(command: list[str]) -> float:
    """Run a command in the project folder (failing loudly); return its wall-clock seconds."""
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.monotonic() - started


def fresh_venv(folder: Path) -> tuple[Path, float]:
    """A new venv (with pip) in `folder`; its Python and the seconds it took."""
    seconds = timed([sys.executable, "-m", "venv", str(folder)])
    return venv_python(folder), seconds


def uv_command(scratch: Path) -> tuple[list[str], float, str]:
    """uv as `make` finds it: on PATH, else pip-installed (no cache) into a venv of its own.
    Returns the command, the seconds the pip install of uv took (0 if on PATH), and where it came from."""
    on_path = shutil.which("uv")
    if on_path:
        return [on_path], 0.0, f"uv on PATH ({on_path})"
    python, _ = fresh_venv(scratch / "uv-tool")
    seconds = timed([str(python), "-m", "pip", "install", "--quiet", "--no-cache-dir",
                     "--disable-pip-version-check", UV_REQUIREMENT])
    return [str(python), "-m", "uv"], seconds, f"{UV_REQUIREMENT} installed with pip"


def main() -> None:
    """Time both installers and print the figures and the ratio."""
    with tempfile.TemporaryDirectory(prefix="memory-lab-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        print(f"set-up: {REQUIREMENTS} pinned by requirements.lock into fresh venvs, no download cache")

        pip_python, venv_seconds = fresh_venv(scratch / "pip")
        pip = install_commands(None, pip_python, REQUIREMENTS)[0][1] + ["--no-cache-dir"]
        pip_seconds = timed(pip)

        uv, bootstrap_seconds, origin = uv_command(scratch)
        uv_python, _ = fresh_venv(scratch / "uv")
        uv_install = install_commands(uv, uv_python, REQUIREMENTS)[0][1] + ["--no-cache"]
        uv_seconds = timed(uv_install)
        version = subprocess.run([*uv, "--version"], capture_output=True, text=True).stdout.strip()

    print(f"  python -m venv (one fresh venv): {venv_seconds:6.1f} s")
    print(f"  pip install:                     {pip_seconds:6.1f} s")
    print(f"  uv pip install:                  {uv_seconds:6.1f} s  ({version}; {origin})")
    print(f"  uv is {pip_seconds / uv_seconds:.1f}x faster than pip at installing", end="")
    if bootstrap_seconds:
        total = uv_seconds + bootstrap_seconds
        print(f"; {pip_seconds / total:.1f}x counting the {bootstrap_seconds:.1f} s to pip-install uv first")
    else:
        print()


if __name__ == "__main__":
    main()
