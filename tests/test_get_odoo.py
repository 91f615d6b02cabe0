"""`make demo` / `make test` get an Odoo 18.0 tree when none is found (issue 14, 1b).

Each test builds a tiny fake Odoo repository (odoo-bin, odoo/release.py,
odoo/addons) in a temporary directory and serves it through file://, so no
network is needed.
"""

import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GET_ODOO = ROOT / "scripts" / "get_odoo.sh"

pytestmark = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")

RELEASE = """FINAL = 'final'
version_info = ({major}, 0, 0, FINAL, 0, '')
"""


def _git(cwd, *args):
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.invalid",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.invalid",
    )
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def _fake_tree(path, major=18):
    (path / "odoo" / "addons" / "base").mkdir(parents=True)
    (path / "odoo-bin").write_text("#!/usr/bin/env python3\nprint('fake odoo')\n")
    (path / "odoo-bin").chmod(0o755)
    (path / "odoo" / "release.py").write_text(RELEASE.format(major=major))
    (path / "odoo" / "addons" / "base" / "__init__.py").write_text("")
    (path / "requirements.txt").write_text("")


def _fake_repo(tmp_path, major=18, branch="18.0"):
    repo = tmp_path / "odoo-upstream"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "master")
    (repo / "README.md").write_text("master\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "master")
    _git(repo, "checkout", "-q", "-b", branch)
    _fake_tree(repo, major)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "odoo")
    _git(repo, "checkout", "-q", "master")
    (repo / "MASTER_ONLY").write_text("not 18.0\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "master moves on")
    return f"file://{repo}"


def _run(script, odoo_path, source, extra=""):
    env = dict(os.environ, ODOO_PATH=str(odoo_path), ODOO_SOURCE=source, GIT_TERMINAL_PROMPT="0")
    if script == "common":
        # the way demo.sh and test.sh call it: source common.sh, require_odoo
        cmd = ["bash", "-c", f'source "{ROOT}/scripts/common.sh"; require_odoo; {extra}']
    else:
        cmd = ["bash", str(GET_ODOO)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def test_shallow_clone_of_18_0_into_odoo_path(tmp_path):
    source = _fake_repo(tmp_path)
    target = tmp_path / "opt" / "odoo18"
    result = _run("get", target, source)
    assert result.returncode == 0, result.stderr
    assert (target / "odoo-bin").is_file()
    assert "version_info = (18, 0" in (target / "odoo" / "release.py").read_text()
    assert (target / "odoo" / "addons" / "base").is_dir()
    assert not (target / ".git").exists(), "no git history is kept"
    assert not (target / "MASTER_ONLY").exists(), "the 18.0 branch, not master"
    assert "Odoo 18.0 is at" in result.stdout
    # nothing left behind next to the tree
    assert sorted(p.name for p in target.parent.iterdir()) == ["odoo18"]
    # a second run sees the tree and does nothing
    again = _run("get", target, "file:///nowhere")
    assert again.returncode == 0 and "already" in again.stdout


def test_require_odoo_fetches_then_uses_the_tree(tmp_path):
    """scripts/common.sh's require_odoo (make demo, make test) gets the tree first."""
    source = _fake_repo(tmp_path)
    target = tmp_path / "odoo18"
    result = _run("common", target, source, extra='echo "ADDONS=$ADDONS_PATH"')
    assert result.returncode == 0, result.stderr
    assert (target / "odoo-bin").is_file()
    assert f"ADDONS={target}/odoo/addons" in result.stdout


def test_archive_source(tmp_path):
    tree = tmp_path / "build" / "odoo-18.0"
    tree.mkdir(parents=True)
    _fake_tree(tree)
    archive = tmp_path / "odoo_18.0.latest.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="odoo-18.0")
    target = tmp_path / "odoo18"
    result = _run("get", target, f"file://{archive}")
    assert result.returncode == 0, result.stderr
    assert (target / "odoo-bin").is_file()
    assert (target / "odoo" / "addons" / "base").is_dir()


def test_wrong_version_is_refused_and_nothing_installed(tmp_path):
    source = _fake_repo(tmp_path, major=17)
    target = tmp_path / "odoo18"
    result = _run("get", target, source)
    assert result.returncode != 0
    assert "not Odoo 18.0" in result.stderr
    assert "version_info = (17, 0" in result.stderr
    assert not target.exists()
    assert list(tmp_path.glob(".odoo-fetch*")) == []
    # through require_odoo too
    result = _run("common", target, source)
    assert result.returncode != 0 and "not Odoo 18.0" in result.stderr


def test_unreachable_source_says_what_to_run_by_hand(tmp_path):
    target = tmp_path / "odoo18"
    source = f"file://{tmp_path}/no-such-repo"
    result = _run("get", target, source)
    assert result.returncode != 0
    assert "could not get Odoo 18.0" in result.stderr
    assert f"git clone --depth 1 --branch 18.0 {source} {target}" in result.stderr
    assert not target.exists()
    result = _run("common", target, source)
    assert result.returncode != 0
    assert "git clone --depth 1 --branch 18.0" in result.stderr


def test_non_empty_directory_is_left_alone(tmp_path):
    source = _fake_repo(tmp_path)
    target = tmp_path / "odoo18"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    result = _run("get", target, source)
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert (target / "mine.txt").read_text() == "keep me"


def test_ci_still_fails_loudly_without_a_tree(tmp_path):
    """.ci/run keeps its own check: CI machines cannot reach github."""
    env = dict(os.environ, ODOO_PATH=str(tmp_path / "none"))
    result = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "no Odoo 18.0 source tree found" in result.stderr
    assert not (tmp_path / "none").exists()
