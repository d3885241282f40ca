"""Set up the course's virtual environment, fast: `make lab` and `make test` call this.

    python3 scripts/setup_venv.py install requirements.txt       # what `make lab` installs
    python3 scripts/setup_venv.py install requirements-dev.txt   # what `make test` installs
    python3 scripts/setup_venv.py lock                           # `make lock`: rewrite requirements.lock
    python3 scripts/setup_venv.py check                          # is requirements.lock up to date?

It creates `.venv` if needed, then installs with uv when it can (`uv` on PATH, else uv installed
into `.venv` with pip as a first step) and with plain pip when it cannot. Either way the versions
come from requirements.lock (`-c requirements.lock`), the exact versions the course was tested
with. Set MEMORY_LAB_INSTALLER=pip to skip uv. Standard library only: it runs before anything
is installed, with the Python that will own the venv.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
# What the lock is resolved from: requirements-dev.txt includes requirements.txt, which installs
# the project itself (`-e .`, so pyproject.toml's dependencies count too).
LOCK_INPUTS = ("requirements.txt", "requirements-dev.txt", "pyproject.toml")
# uv installed into .venv when none is on PATH (uv itself is a wheel on PyPI).
UV_REQUIREMENT = "uv==0.13.9"
MIN_PYTHON = (3, 11)
DIGEST_PREFIX = "# inputs-sha256: "
LOCK_HEADER = """\
# The exact versions the course is tested with (CI installs these), for Python {python}+ on
# Linux, macOS and Windows. Do not edit: `make lock` writes it from requirements-dev.txt (which
# includes requirements.txt) and pyproject.toml, keeping every pin that still fits;
# `make lock UPGRADE=1` moves every package to its newest allowed version.
# Use it as constraints: pip install -r requirements.txt -c requirements.lock
"""


def say(message: str) -> None:
    """One line of progress, flushed so it shows between the installers' own lines."""
    print(f"setup: {message}", flush=True)


def fail(message: str) -> int:
    """Print what went wrong and what to do, to stderr; return the exit code."""
    print(f"setup: ERROR: {message}", file=sys.stderr, flush=True)
    return 1


# --- Is the lock up to date? ----------------------------------------------------------------------


def requirement_lines(text: str) -> list[str]:
    """The meaningful lines of a requirements file: comments and blank lines dropped, sorted."""
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in text.splitlines())
    return sorted(line for line in lines if line)


def pyproject_lines(text: str) -> list[str]:
    """What in pyproject.toml changes the resolution: the project's name, Python and dependencies."""
    import tomllib  # Python 3.11+; imported here so an older Python still gets the version message

    project = tomllib.loads(text).get("project", {})
    lines = [f"name {project.get('name', '')}", f"requires-python {project.get('requires-python', '')}"]
    lines += sorted(f"dependency {dep}" for dep in project.get("dependencies", []))
    for extra, deps in sorted(project.get("optional-dependencies", {}).items()):
        lines += sorted(f"extra {extra} {dep}" for dep in deps)
    return lines


def inputs_digest(root: Path = ROOT) -> str:
    """A digest of what the lock is resolved from; comments, blank lines and line order do not count."""
    digest = hashlib.sha256()
    for name in LOCK_INPUTS:
        text = (root / name).read_text(encoding="utf-8")
        lines = pyproject_lines(text) if name == "pyproject.toml" else requirement_lines(text)
        digest.update(f"[{name}]\n".encode())
        digest.update("".join(f"{line}\n" for line in lines).encode())
    return digest.hexdigest()


def recorded_digest(lock: Path = LOCK) -> str | None:
    """The inputs digest written into the lock by `make lock`, or None."""
    if not lock.exists():
        return None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line.startswith(DIGEST_PREFIX):
            return line[len(DIGEST_PREFIX):].strip()
    return None


def lock_problem(root: Path = ROOT) -> str | None:
    """Why requirements.lock cannot be used as it is (one sentence naming the fix), or None."""
    lock = root / LOCK.name
    if not lock.exists():
        return f"{lock.name} is missing: run `make lock` to create it, then commit it"
    if recorded_digest(lock) != inputs_digest(root):
        return (
            f"requirements.txt, requirements-dev.txt or pyproject.toml changed since {lock.name} "
            f"was made, so it no longer matches them: run `make lock` to update it, then commit it"
        )
    return None


# --- Finding an installer -------------------------------------------------------------------------


def venv_python(venv: Path = VENV) -> Path:
    """The venv's Python (bin/python, or Scripts\\python.exe on Windows)."""
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def venv_has_uv(python: Path) -> bool:
    """Whether the `uv` package is installed in the venv of this Python."""
    probe = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('uv') else 1)"
    return subprocess.run([str(python), "-c", probe], capture_output=True).returncode == 0


def wants_pip(env: Mapping[str, str]) -> bool:
    """Whether MEMORY_LAB_INSTALLER=pip asks to skip uv."""
    return env.get("MEMORY_LAB_INSTALLER", "").strip().lower() == "pip"


def find_uv(python: Path, env: Mapping[str, str]) -> list[str] | None:
    """The command that runs uv: on PATH, else in the venv (installed with pip if need be); None: use pip."""
    if wants_pip(env):
        say("MEMORY_LAB_INSTALLER=pip: installing with pip, not uv")
        return None
    on_path = shutil.which("uv", path=env.get("PATH"))
    if on_path:
        return [on_path]
    in_venv = [str(python), "-m", "uv"]
    if venv_has_uv(python):
        return in_venv
    say(f"no uv on PATH; installing {UV_REQUIREMENT} into .venv with pip first (a few seconds)")
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", UV_REQUIREMENT]
    )
    if installed.returncode == 0:
        return in_venv
    say("could not install uv (see above); installing with plain pip instead, which is slower")
    return None


def create_venv(venv: Path, env: Mapping[str, str]) -> None:
    """Create the venv with this Python, pip in it, unless it is there already (uv on PATH does it faster)."""
    if venv_python(venv).exists():
        return
    say(f"creating {venv.name} with Python {sys.version.split()[0]}")
    uv = None if wants_pip(env) else shutil.which("uv", path=env.get("PATH"))
    if uv and subprocess.run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(venv)]).returncode == 0:
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)


def install_commands(uv: list[str] | None, python: Path, requirements: str) -> list[tuple[str, list[str]]]:
    """(installer, command) to try in turn: uv if there is one, then plain pip; both pinned by the lock."""
    files = ["-r", requirements, "-c", LOCK.name]
    pip = ("pip", [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *files])
    if uv is None:
        return [pip]
    return [("uv", [*uv, "pip", "install", "--quiet", "--python", str(python), *files]), pip]


def install(requirements: str, root: Path = ROOT, env: Mapping[str, str] | None = None) -> int:
    """Create .venv if needed and install a requirements file into it, pinned by the lock."""
    env = os.environ if env is None else env
    if sys.version_info < MIN_PYTHON:
        wanted = ".".join(map(str, MIN_PYTHON))
        return fail(f"memory-lab needs Python {wanted} or newer; found {sys.version.split()[0]}. "
                    f"Install a newer Python, then run make with PYTHON=python{wanted} (or newer)")
    problem = lock_problem(root)
    if problem:
        return fail(problem)
    venv = root / VENV.name
    create_venv(venv, env)
    python = venv_python(venv)
    started = time.monotonic()
    attempts = install_commands(find_uv(python, env), python, requirements)
    for number, (tool, command) in enumerate(attempts, start=1):
        if subprocess.run(command, cwd=root).returncode == 0:
            say(f"installed {requirements} with {tool} in {time.monotonic() - started:.1f} s "
                f"(versions from {LOCK.name})")
            return 0
        if number < len(attempts):
            say(f"{tool} could not install {requirements} (see above); trying plain pip")
    return fail(f"could not install {requirements} (see the installer's message above)")


# --- Writing the lock -----------------------------------------------------------------------------


def minimum_python(root: Path = ROOT) -> str:
    """The lowest Python the project supports, from pyproject.toml's requires-python (">=3.11" -> "3.11")."""
    match = re.search(r'requires-python\s*=\s*">=\s*([0-9.]+)', (root / "pyproject.toml").read_text(encoding="utf-8"))
    return match.group(1) if match else ".".join(map(str, MIN_PYTHON))


def project_name(root: Path = ROOT) -> str:
    """The project's own distribution name (left out of the lock: it is installed editable)."""
    match = re.search(r'^name\s*=\s*"([^"]+)"', (root / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else "memory-lab-helpers"


def lock_command(uv: list[str], output: Path, upgrade: bool = False) -> list[str]:
    """uv's command that resolves requirements-dev.txt for every platform into `output`."""
    command = [
        *uv, "pip", "compile", "requirements-dev.txt",
        "--universal", "--python-version", minimum_python(),
        "--no-emit-package", project_name(),  # constraints cannot hold the editable project itself
        "--no-header", "--quiet", "-o", str(output),
    ]
    return command + (["--upgrade"] if upgrade else [])


def write_lock(upgrade: bool = False) -> int:
    """`make lock`: resolve the requirements with uv into requirements.lock, with its header and digest."""
    env = {**os.environ, "MEMORY_LAB_INSTALLER": ""}  # resolving for every platform takes uv
    create_venv(VENV, env)
    uv = find_uv(venv_python(), env)
    if uv is None:
        return fail("`make lock` needs uv and none could be installed; install it (pip install uv) and retry")
    scratch = LOCK.with_name(LOCK.name + ".new")
    if LOCK.exists():
        shutil.copyfile(LOCK, scratch)  # uv keeps the pins it finds in the output file when they still fit
    try:
        if subprocess.run(lock_command(uv, scratch, upgrade), cwd=ROOT).returncode != 0:
            return fail("uv could not resolve the requirements (see above); loosen the ranges in requirements.txt")
        body = scratch.read_text(encoding="utf-8")
        header = LOCK_HEADER.format(python=minimum_python()) + f"{DIGEST_PREFIX}{inputs_digest()}\n"
        LOCK.write_text(header + body.strip("\n") + "\n", encoding="utf-8")
    finally:
        scratch.unlink(missing_ok=True)
    pins = sum(1 for line in LOCK.read_text(encoding="utf-8").splitlines() if "==" in line and not line.startswith("#"))
    say(f"wrote {LOCK.name}: {pins} pinned packages; commit it with the requirements change")
    return 0


def main(argv: list[str]) -> int:
    """Run one command: install FILE, lock [--upgrade], or check."""
    if len(argv) == 2 and argv[0] == "install":
        return install(argv[1])
    if argv[:1] == ["lock"] and set(argv[1:]) <= {"--upgrade"}:
        return write_lock(upgrade="--upgrade" in argv)
    if argv == ["check"]:
        problem = lock_problem()
        if problem:
            return fail(problem)
        say(f"{LOCK.name} matches the requirements")
        return 0
    print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
