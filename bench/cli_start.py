"""How long a `compliance` command takes to start, against baselines measured in the same
run: `python -c pass` (the interpreter) and `python -c "import flask"` (the least a
command that touches the app must import).

Each command runs in a new process, as an operator's shell or cron runs it, with
byte-code cached in a temporary folder (as an installed package has it; this machine
may set PYTHONDONTWRITEBYTECODE) and warmed up first. The commands run interleaved;
the script prints each one's median and best wall time and its ratio to `import flask`,
and exits with status 1 when `compliance manual list` takes more than --target seconds
(median) or more than --target-ratio times `import flask`.

    .venv/bin/python bench/cli_start.py
    .venv/bin/python bench/cli_start.py --root /path/to/another/checkout --iterations 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLI = "from compliance.cli import main; main()"


def commands(python: str) -> dict[str, list[str]]:
    return {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import flask'": [python, "-c", "import flask"],
        "compliance --help": [python, "-c", CLI, "--help"],
        "compliance manual list": [python, "-c", CLI, "manual", "list"],
        "compliance audit verify": [python, "-c", CLI, "audit", "verify"],
        "compliance users list": [python, "-c", CLI, "users", "list"],
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    """Run from the instance folder: `python -c` puts the working folder first on the path,
    and the checkout's own compliance/ must not shadow --root's."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                          cwd=env["COMPLIANCE_INSTANCE"])
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[3:]) or command}: {done.stderr.strip()}")
    return elapsed


def environment(root: Path, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(root), PYTHONPYCACHEPREFIX=str(folder / "pycache"),
               COMPLIANCE_ENV="development", COMPLIANCE_INSTANCE=str(folder / "instance"),
               DATABASE_URL=f"sqlite:///{folder / 'compliance.db'}")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose command line is timed (default: this one)")
    parser.add_argument("--iterations", type=int, default=7)
    parser.add_argument("--target", type=float, default=0.5)
    parser.add_argument("--target-ratio", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cli-start-") as tmp:
        env = environment(args.root, Path(tmp))
        Path(env["COMPLIANCE_INSTANCE"]).mkdir()
        python = sys.executable
        for setup in (["db", "upgrade"], ["manual", "import",
                                          str(args.root / "checklists" / "mdr-cmd")]):
            timed([python, "-c", CLI, *setup], env)  # also warms the byte-code cache
        runs = commands(python)
        for command in runs.values():
            timed(command, env)
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.iterations):
            for name, command in runs.items():
                times[name].append(timed(command, env))
    baseline = statistics.median(times["python -c 'import flask'"])
    print(f"{args.root}: {args.iterations} runs each, interleaved")
    print(f"{'command':<28}{'median s':>10}{'best s':>10}{'× import flask':>16}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<28}{median:>10.3f}{min(values):>10.3f}{median / baseline:>16.2f}")
    listed = statistics.median(times["compliance manual list"])
    if listed > args.target or listed / baseline > args.target_ratio:
        print(f"compliance manual list: {listed:.3f} s, {listed / baseline:.2f} × import flask; "
              f"target {args.target} s and {args.target_ratio} ×")
        sys.exit(1)


if __name__ == "__main__":
    main()
