#!/usr/bin/env python
"""Check that figures rebuild byte-identically.

    check_figures_reproducible.py snapshot reports/figures -o run1.json
    check_figures_reproducible.py compare run1.json run2.json
    check_figures_reproducible.py repro-twice [--repo .]   # clean clone, `dvc repro --force` x2

Every file under the figures folder is hashed (sha256). Manifests (``figures.json``) are
hashed after dropping the fields in ``newscope.provenance.VOLATILE_FIELDS`` (the run date),
which legitimately differ between runs; everything else must match to the byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from newscope.figures import MANIFEST_NAME
from newscope.provenance import VOLATILE_FIELDS


def _normalised_manifest(path: Path) -> bytes:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for entry in manifest.get("figures", []):
        for dotted in VOLATILE_FIELDS:
            *parents, leaf = dotted.split(".")
            node = entry
            for key in parents:
                node = node.get(key, {})
            node.pop(leaf, None)
    return json.dumps(manifest, sort_keys=True).encode()


def snapshot(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``folder``."""
    if not folder.is_dir():
        raise SystemExit(f"{folder}: no such folder (run the pipeline first)")
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = _normalised_manifest(path) if path.name == MANIFEST_NAME else path.read_bytes()
        out[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return out


def compare(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Differences between two snapshots, one line each (empty when identical)."""
    problems = [f"only in first run: {p}" for p in sorted(set(a) - set(b))]
    problems += [f"only in second run: {p}" for p in sorted(set(b) - set(a))]
    problems += [f"differs: {p}" for p in sorted(set(a) & set(b)) if a[p] != b[p]]
    return problems


def repro_twice(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Clone ``repo`` (committed state), run ``dvc repro --force`` twice, snapshot each run."""
    with tempfile.TemporaryDirectory(prefix="newscope-repro-") as tmp:
        clone = Path(tmp) / repo.resolve().name
        subprocess.run(["git", "clone", "--quiet", str(repo.resolve()), str(clone)], check=True)
        env = {**os.environ, "NEWSCOPE_ROOT": str(clone), "DVC_NO_ANALYTICS": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(clone / "src"), os.environ.get("PYTHONPATH")])),
               "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        env.pop("NEWSCOPE_FIGURES_DIR", None)
        runs = []
        for i in (1, 2):
            print(f"run {i}: dvc repro --force in {clone}", file=sys.stderr)
            subprocess.run(["dvc", "repro", "--force"], cwd=clone, env=env, check=True)
            runs.append(snapshot(clone / "reports" / "figures"))
        return runs[0], runs[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("snapshot", help="sha256 of every file under a figures folder")
    p.add_argument("folder", type=Path)
    p.add_argument("-o", "--out", type=Path, help="write the list as JSON here (default: stdout)")
    p = sub.add_parser("compare", help="compare two snapshots")
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    p = sub.add_parser("repro-twice", help="clean clone, `dvc repro --force` twice, compare")
    p.add_argument("--repo", type=Path, default=Path("."))
    args = parser.parse_args(argv)

    if args.command == "snapshot":
        text = json.dumps(snapshot(args.folder), indent=2) + "\n"
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    if args.command == "compare":
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (args.first, args.second))
    else:
        a, b = repro_twice(args.repo)
    problems = compare(a, b)
    for line in problems:
        print(line)
    print(f"{len(a)} files compared: " + ("identical" if not problems else f"{len(problems)} difference(s)"))
    return 1 if problems or not a else 0


if __name__ == "__main__":
    sys.exit(main())
