"""How long a `compliance` command takes to start, against baselines measured in the same
run: `python -c pass` (the interpreter), `python -c "import flask"` (the least a
command that touches the app must import) and the floor of a command that reads the
database: Flask, Flask-SQLAlchemy (SQLAlchemy with it) and Flask-Babel, imported and
nothing else.

Each command runs in a new process, as an operator's shell or cron runs it, with
byte-code cached in a temporary folder (as an installed package has it; this machine
may set PYTHONDONTWRITEBYTECODE) and warmed up first. The commands run interleaved;
the script prints each one's median wall time and median CPU time (user + system of
the process: what the start costs, even on a machine busy with other work, where wall
times mostly measure the wait) and the CPU time's ratio to `import flask`'s. It exits
with status 1 when `compliance manual list` takes more than --target seconds of CPU
(median) or more than --target-ratio times `import flask`.

    .venv/bin/python bench/cli_start.py
    .venv/bin/python bench/cli_start.py --root /path/to/another/checkout --iterations 5
"""

from __future__ import annotations

import argparse
import os
import resource
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
        "(floor) the libraries": [python, "-c", "import flask, flask_sqlalchemy, flask_babel"],
        "compliance --help": [python, "-c", CLI, "--help"],
        "compliance manual list": [python, "-c", CLI, "manual", "list"],
        "compliance audit verify": [python, "-c", CLI, "audit", "verify"],
        "compliance users list": [python, "-c", CLI, "users", "list"],
    }


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds. Run from the instance folder: `python -c` puts the working
    folder first on the path, and the checkout's own compliance/ must not shadow --root's."""
    start, cpu = time.perf_counter(), cpu_of_children()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                          cwd=env["COMPLIANCE_INSTANCE"])
    elapsed, used = time.perf_counter() - start, cpu_of_children() - cpu
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[3:]) or command}: {done.stderr.strip()}")
    return elapsed, used


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
    parser.add_argument("--target-ratio", type=float, default=4.0)
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
        wall: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.iterations):
            for name, command in runs.items():
                elapsed, used = timed(command, env)
                wall[name].append(elapsed)
                cpu[name].append(used)
    baseline = statistics.median(cpu["python -c 'import flask'"])
    print(f"{args.root}: {args.iterations} runs each, interleaved; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'command':<28}{'wall s':>9}{'CPU s':>9}{'CPU × import flask':>20}")
    for name in runs:
        median = statistics.median(cpu[name])
        print(f"{name:<28}{statistics.median(wall[name]):>9.3f}{median:>9.3f}"
              f"{median / baseline:>20.2f}")
    listed = statistics.median(cpu["compliance manual list"])
    if listed > args.target or listed / baseline > args.target_ratio:
        print(f"compliance manual list: {listed:.3f} s of CPU, {listed / baseline:.2f} × "
              f"import flask; target {args.target} s and {args.target_ratio} ×")
        sys.exit(1)


if __name__ == "__main__":
    main()
