"""CPU time spent by groups of processes over a benchmark window, read from /proc (Linux).

A benchmark that shares two cores with its servers, workers and database reports where
the cores went, so a rate can be read against its real ceiling: `CpuMeter` takes a
snapshot of every process's user + system time at the start and at the end, and sums the
difference per group (a group is a test on the process's command line).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Matcher = Callable[[int, str], bool]
PROC = Path("/proc")
OTHERS = "anything else on the machine"
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[str, int]]:
    """pid -> (command line, CPU ticks so far) for every process we may read."""
    found: dict[int, tuple[str, int]] = {}
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone in between, or not ours to read
        fields = stat.rpartition(")")[2].split()
        found[int(entry.name)] = (cmdline, int(fields[11]) + int(fields[12]))  # utime + stime
    return found


def _machine_busy() -> int:
    """CPU ticks the whole machine spent busy (every core, every process, the kernel)."""
    fields = (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return user + nice + system + irq + softirq + steal


@dataclass
class CpuMeter:
    """CPU seconds per group between `start()` and `stop()`, and the rest of the machine's
    busy time as the group OTHERS (other programs on the machine, the kernel)."""

    groups: dict[str, Matcher]
    _before: dict[int, tuple[str, int]] = field(default_factory=dict)
    _machine_before: int = 0

    def start(self) -> None:
        self._machine_before = _machine_busy()
        self._before = _processes()

    def stop(self) -> dict[str, float]:
        after = _processes()
        machine = _machine_busy() - self._machine_before
        totals: dict[str, int] = dict.fromkeys(self.groups, 0)
        for pid, (cmdline, ticks) in after.items():
            spent = ticks - self._before.get(pid, (cmdline, 0))[1]
            for name, matches in self.groups.items():
                if matches(pid, cmdline):
                    totals[name] += spent
                    break
        totals[OTHERS] = max(0, machine - sum(totals.values()))
        return {name: ticks / TICKS_PER_SECOND for name, ticks in totals.items()}
