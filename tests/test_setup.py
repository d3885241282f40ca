"""The set-up: the lock matches the requirements and pins what this venv runs, the installer picks
uv or pip and pins with the lock, and the CI workflow runs the README's `make test` with Chromium."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)\s*(;\s*(?P<marker>.+))?$")


def load_script(name: str) -> ModuleType:
    """Import one of scripts/*.py as a module."""
    spec = importlib.util.spec_from_file_location(f"memory_lab_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup_venv = load_script("setup_venv")


def locked_pins(text: str) -> list[tuple[str, Version, Marker | None]]:
    """(name, version, marker) for every pin of a lock; fails on a line that is not a pin."""
    pins = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PIN.match(line.strip())
        assert match, f"requirements.lock line is not a `name==version ; marker` pin: {line!r}"
        marker = Marker(match["marker"]) if match["marker"] else None
        pins.append((canonicalize_name(match["name"]), Version(match["version"]), marker))
    return pins


def declared_requirements() -> list[tuple[str, Requirement]]:
    """Every requirement the project declares: (where, requirement), from the requirements files and pyproject."""
    import tomllib

    found = []
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in setup_venv.requirement_lines((ROOT / name).read_text(encoding="utf-8")):
            if not line.startswith("-"):  # -r other file, -e . (the project itself)
                found.append((name, Requirement(line)))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found += [("pyproject.toml", Requirement(dep)) for dep in project["dependencies"]]
    return found


# --- The lock ---------------------------------------------------------------------------------------


def test_the_lock_matches_the_requirements() -> None:
    """requirements.lock was made from the requirements as they are now (else: run `make lock`)."""
    assert setup_venv.lock_problem() is None, setup_venv.lock_problem()


def test_every_declared_requirement_is_pinned_within_its_range() -> None:
    """Each package in requirements*.txt and pyproject.toml has pins in the lock, all inside its range."""
    pins = locked_pins((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    for where, requirement in declared_requirements():
        versions = [version for name, version, _ in pins if name == canonicalize_name(requirement.name)]
        assert versions, f"{requirement.name} ({where}) is not in requirements.lock: run `make lock`"
        outside = [str(v) for v in versions if not requirement.specifier.contains(v, prereleases=True)]
        assert not outside, f"requirements.lock pins {requirement.name} {outside}, outside {where}'s {requirement}"


def test_the_lock_is_universal_constraints_that_pip_accepts() -> None:
    """Plain pins with markers (no editable line, no path, no URL), resolved for Windows and macOS too."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = locked_pins(text)
    assert len(pins) > 50
    markers = " ".join(str(marker) for _, _, marker in pins if marker)
    assert 'sys_platform == "win32"' in markers and 'sys_platform == "darwin"' in markers, markers
    assert setup_venv.project_name() not in {name for name, _, _ in pins}, "the editable project cannot be a constraint"
    assert f"Python {setup_venv.minimum_python()}+" in text


def test_this_venv_runs_the_locked_versions() -> None:
    """Every locked package installed here has the locked version (`make` installs with the lock)."""
    wrong = []
    for name, version, marker in locked_pins((ROOT / "requirements.lock").read_text(encoding="utf-8")):
        if marker is not None and not marker.evaluate():
            continue
        try:
            installed = Version(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            continue  # e.g. a learner's `make lab` venv has no test tools
        if installed != version:
            wrong.append(f"{name} {installed} (lock: {version})")
    assert not wrong, f"this venv differs from requirements.lock: {wrong}; rerun make (or delete .venv first)"


def copy_inputs(tmp_path: Path) -> Path:
    """A scratch project folder holding copies of the lock's inputs and the lock."""
    for name in (*setup_venv.LOCK_INPUTS, "requirements.lock"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    return tmp_path


def test_comments_blank_lines_and_order_do_not_stale_the_lock(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    requirements = root / "requirements.txt"
    lines = requirements.read_text(encoding="utf-8").splitlines()
    requirements.write_text("# a new comment\n\n" + "\n".join(reversed(lines)) + "\n", encoding="utf-8")
    assert setup_venv.lock_problem(root) is None


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("requirements.txt", "numpy>=2.4,<3", "numpy>=2.5,<3"),
        ("requirements-dev.txt", "hypothesis>=", "tqdm>=4\nhypothesis>="),
        ("pyproject.toml", '"numpy>=2.4,<3"', '"numpy>=2.4,<3", "tqdm>=4"'),
    ],
)
def test_a_changed_requirement_makes_the_install_fail_naming_make_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str
) -> None:
    root = copy_inputs(tmp_path)
    path = root / name
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    problem = setup_venv.lock_problem(root)
    assert problem is not None and "run `make lock`" in problem and name in problem
    assert setup_venv.install("requirements.txt", root=root, env={"PATH": ""}) == 1
    assert "run `make lock`" in capsys.readouterr().err
    assert not (root / ".venv").exists(), "nothing is installed from a stale lock"


def test_a_missing_lock_names_make_lock(tmp_path: Path) -> None:
    root = copy_inputs(tmp_path)
    (root / "requirements.lock").unlink()
    assert "run `make lock`" in (setup_venv.lock_problem(root) or "")


# --- Choosing the installer -------------------------------------------------------------------------


def fake_program(path: Path, exit_code: int, before: str = "") -> Path:
    """A script that appends its arguments to `path`.log and exits with `exit_code`."""
    path.write_text(f'#!/bin/sh\n{before}echo "$@" >> "{path}.log"\nexit {exit_code}\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


needs_posix = pytest.mark.skipif(os.name == "nt", reason="fake programs here are shell scripts")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch project with the real inputs and lock, and a fake .venv whose python logs its calls
    (and has no uv package: its `python -c` probe fails)."""
    (tmp_path / "project").mkdir()
    root = copy_inputs(tmp_path / "project")
    python = setup_venv.venv_python(root / ".venv")
    python.parent.mkdir(parents=True)
    fake_program(python, 0, before='[ "$1" = "-c" ] && exit 1\n')
    return root


@needs_posix
def test_uv_on_path_installs_pinned_by_the_lock(project: Path, tmp_path: Path) -> None:
    uv = fake_program(tmp_path / "uv", 0)
    assert setup_venv.install("requirements-dev.txt", root=project, env={"PATH": str(tmp_path)}) == 0
    python = setup_venv.venv_python(project / ".venv")
    assert Path(f"{uv}.log").read_text().split() == [
        "pip", "install", "--quiet", "--python", str(python), "-r", "requirements-dev.txt", "-c", "requirements.lock"
    ]
    assert not Path(f"{python}.log").exists(), "uv worked, so pip is not run"


@needs_posix
def test_when_uv_fails_plain_pip_installs_with_the_same_lock(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uv = fake_program(tmp_path / "uv", 1)
    assert setup_venv.install("requirements.txt", root=project, env={"PATH": str(tmp_path)}) == 0
    assert Path(f"{uv}.log").exists()
    pip = Path(f"{setup_venv.venv_python(project / '.venv')}.log").read_text().split()
    assert pip[:3] == ["-m", "pip", "install"] and pip[-4:] == ["-r", "requirements.txt", "-c", "requirements.lock"]
    out = capsys.readouterr().out
    assert "trying plain pip" in out and "installed requirements.txt with pip" in out


@needs_posix
def test_memory_lab_installer_pip_skips_uv(project: Path, tmp_path: Path) -> None:
    uv = fake_program(tmp_path / "uv", 0)
    env = {"PATH": str(tmp_path), "MEMORY_LAB_INSTALLER": "pip"}
    assert setup_venv.install("requirements.txt", root=project, env=env) == 0
    assert not Path(f"{uv}.log").exists()
    assert Path(f"{setup_venv.venv_python(project / '.venv')}.log").exists()


@needs_posix
def test_without_uv_on_path_uv_is_pip_installed_into_the_venv_first(project: Path) -> None:
    python = setup_venv.venv_python(project / ".venv")
    assert setup_venv.find_uv(python, {"PATH": ""}) == [str(python), "-m", "uv"]
    calls = Path(f"{python}.log").read_text().splitlines()
    wanted = ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", setup_venv.UV_REQUIREMENT]
    assert calls[-1].split() == wanted


# --- CI -----------------------------------------------------------------------------------------------


def readme_test_command() -> str:
    """The README's command that runs the tests (in its "Two commands" block)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.split("#")[0].strip() for line in readme.splitlines() if line.startswith("make test")]
    assert commands, "the README shows no `make test` line"
    return commands[0]


def test_the_github_workflow_runs_the_readme_make_test_with_chromium() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    command = readme_test_command()
    jobs = [job for job in workflow["jobs"].values()
            if any(step.get("run", "").strip() == command for step in job["steps"])]
    assert jobs, f"no job runs the README's `{command}`"
    job = jobs[0]
    runs = [step.get("run", "") for step in job["steps"]]
    install = next((i for i, run in enumerate(runs) if re.search(r"apt-get install .*\bchromium\b", run)), None)
    assert install is not None, "the make-test job does not install Chromium"
    assert install < runs.index(command), "Chromium is installed after the tests ran"
    assert any(step.get("uses", "").startswith("actions/checkout@") for step in job["steps"])
    test_step = job["steps"][runs.index(command)]
    assert str(test_step.get("env", {}).get("CI", "true")).lower() == "true", "a skipped browser suite must fail CI"
    image = str(job.get("container", ""))
    assert image.startswith(f"python:{setup_venv.minimum_python()}"), f"CI should test the lowest Python: {image}"


def test_ci_run_calls_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", script, re.M), ".ci/run must run the README's `make test`"
