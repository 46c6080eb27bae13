"""A real one-node SLURM cluster (Debian's slurm-wlm + munge) for the tests beside this file.

It runs only when asked (PFOCR_ENRICH_SLURM_TEST=1, as `.ci/run` does), as root, on Debian, and
never on a machine whose SLURM is not ours: an /etc/slurm/slurm.conf we did not write, or
SLURM/munge daemons already running, make it skip with the reason. Everything it starts, it
stops by PID, whatever happens; the slurm.conf it wrote is removed again.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ASK_VARIABLE = "PFOCR_ENRICH_SLURM_TEST"
# The jobstep plugin drops SLURM_CONF before its inner `srun`, so only the default path works.
SLURM_CONF = Path("/etc/slurm/slurm.conf")
OUR_HEADER = "# written by pfocr-enrich tests/slurm"
PARTITION = "pfocr"
PACKAGES = ["slurm-wlm", "slurmctld", "slurmd", "munge", "slurm-client"]
MUNGE_KEY = Path("/etc/munge/munge.key")
DAEMON_NAMES = ("munged", "slurmctld", "slurmd", "slurmstepd")
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class SlurmCluster:
    partition: str
    cpus: int
    mem_mb: int
    log_dir: Path
    start_seconds: float


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"slurm: runs the workflow on a real single-node SLURM ({ASK_VARIABLE}=1)")


def why_not_here() -> str | None:
    """The reason this machine must not get a test cluster, or None if it may."""
    if os.environ.get(ASK_VARIABLE) != "1":
        return f"SLURM tests run only when asked: set {ASK_VARIABLE}=1 (.ci/run does)"
    if os.geteuid() != 0:
        return "SLURM tests need root: they install packages and start slurmctld, slurmd and munged"
    if not Path("/etc/debian_version").is_file():
        return "SLURM tests need Debian (apt's slurm-wlm and munge); /etc/debian_version is missing"
    if SLURM_CONF.exists() and not SLURM_CONF.read_text(errors="replace").startswith(OUR_HEADER):
        return (
            f"{SLURM_CONF} exists and was not written by these tests; "
            "refusing to touch what looks like a real SLURM configuration"
        )
    running = running_daemons()
    if running:
        listed = ", ".join(f"{name} (PID {pid})" for pid, name in running)
        return f"SLURM/munge daemons are already running ({listed}); refusing to start a second cluster"
    return None


def running_daemons() -> list[tuple[int, str]]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            name = (proc / "comm").read_text().strip()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):  # the process ended while we looked
            continue
        # A zombie has stopped; only the missing reaper (no init here) keeps its entry.
        if name in DAEMON_NAMES and state != "Z":
            found.append((int(proc.name), name))
    return found


def install_packages() -> None:
    if all(shutil.which(tool, path="/usr/sbin:/usr/bin") for tool in ("munged", "slurmctld", "slurmd", "sinfo")):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", *PACKAGES]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        # A fresh image has no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(install, env=env, check=True, capture_output=True)


def prepare_munge() -> None:
    if not MUNGE_KEY.exists():
        subprocess.run(["mungekey", "--create", f"--keyfile={MUNGE_KEY}"], check=True)
    shutil.chown(MUNGE_KEY, "munge", "munge")
    MUNGE_KEY.chmod(0o400)
    for folder in (Path("/run/munge"), Path("/var/log/munge"), Path("/var/lib/munge")):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(folder, "munge", "munge")


def node_size() -> tuple[str, int, int]:
    """(slurm.conf hardware fields, CPUs, RealMemory in MB) as slurmd sees this machine."""
    fields = dict(
        item.split("=", 1)
        for item in subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.split()
        if "=" in item
    )
    cpus = int(fields["CPUs"])
    # Slurm drains a node that has less memory than configured; leave the OS some room.
    mem_mb = int(int(fields["RealMemory"]) * 0.9)
    topology = " ".join(
        f"{key}={fields[key]}"
        for key in ("CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore")
        if key in fields
    )
    return topology, cpus, mem_mb


def slurm_conf_text(state_dir: Path, topology: str, mem_mb: int) -> str:
    return f"""{OUR_HEADER}; removed when they end. Not for real use.
ClusterName=pfocrtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation={state_dir}/slurmctld
SlurmdSpoolDir={state_dir}/slurmd
SlurmctldPidFile={state_dir}/slurmctld.pid
SlurmdPidFile={state_dir}/slurmd.pid
SlurmctldLogFile={state_dir}/slurmctld.log
SlurmdLogFile={state_dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Without accounting, Snakemake polls squeue, which forgets a job MinJobAge seconds after it ends.
MinJobAge=600
ReturnToService=2
NodeName=localhost {topology} RealMemory={mem_mb} State=UNKNOWN
PartitionName={PARTITION} Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def node_state() -> str:
    result = subprocess.run(["sinfo", "--noheader", "--nodes=localhost", "--format=%T"], capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def tail(path: Path, lines: int = 15) -> str:
    if not path.exists():
        return f"({path} missing)"
    return f"--- {path}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def stop(daemons: list[subprocess.Popen]) -> None:
    """Cancel our jobs, then stop each daemon we started, by its PID, newest first."""
    if any(daemon.poll() is None for daemon in daemons):
        subprocess.run(["scancel", f"--user={os.getuid()}"], capture_output=True, timeout=20)
    for daemon in reversed(daemons):
        if daemon.poll() is not None:
            continue
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=5)


@pytest.fixture(scope="session")
def slurm_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlurmCluster]:
    reason = why_not_here()
    if reason:
        pytest.skip(reason)
    # The daemons live in /usr/sbin, which a non-login environment may leave off PATH.
    path = os.environ.get("PATH", "").split(os.pathsep)
    os.environ["PATH"] = os.pathsep.join(path + [d for d in ("/usr/sbin", "/sbin") if d not in path])
    install_packages()
    prepare_munge()
    state_dir = tmp_path_factory.mktemp("slurm_state")
    topology, cpus, mem_mb = node_size()

    daemons: list[subprocess.Popen] = []
    wrote_conf = False
    started = time.monotonic()
    try:
        SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SLURM_CONF.write_text(slurm_conf_text(state_dir, topology, mem_mb))
        wrote_conf = True
        # -F/-D keep each daemon in the foreground, so the PID we hold is the daemon's own.
        daemons.append(
            subprocess.Popen(
                ["munged", "--foreground"],
                user="munge",
                group="munge",
                stdout=subprocess.DEVNULL,
                stderr=(state_dir / "munged.err").open("w"),
            )
        )
        daemons.append(subprocess.Popen(["slurmctld", "-D"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        daemons.append(subprocess.Popen(["slurmd", "-D"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        while node_state() != "idle":
            ended = [daemon.args[0] for daemon in daemons if daemon.poll() is not None]
            if ended or time.monotonic() - started > START_TIMEOUT_S:
                logs = "\n".join(tail(state_dir / name) for name in ("munged.err", "slurmctld.log", "slurmd.log"))
                problem = f"{', '.join(ended)} exited" if ended else f"node not idle after {START_TIMEOUT_S} s"
                pytest.fail(f"test SLURM cluster did not start: {problem}\n{logs}")
            time.sleep(0.2)
        yield SlurmCluster(PARTITION, cpus, mem_mb, state_dir, time.monotonic() - started)
    finally:
        stop(daemons)
        if wrote_conf:
            SLURM_CONF.unlink(missing_ok=True)
