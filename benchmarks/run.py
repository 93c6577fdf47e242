"""Measure contractkit against its speed and memory targets, all in one run on this machine.

    python benchmarks/run.py                 # everything (about 3 minutes on 2 cores)
    python benchmarks/run.py --only check    # one section: floor/check, batch, cold, web
    python benchmarks/run.py --json out.json # also keep the figures
    python benchmarks/run.py --only batch --batch-files 10000   # a larger batch (memory flatness)

Inputs are built on the spot (benchmarks/inputs.py): contracts of ~30,000
Chinese characters in ~300 paragraphs with tables, and a folder of 1,000 mixed
contracts. Figures are medians; each is printed with its target beside it.
These are measurements, not tests: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402  (benchmarks/inputs.py, beside this file)

CLI = [sys.executable, "-m", "contractkit.cli"]


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None  # upper bound
    note: str = ""

    @property
    def met(self) -> str:
        if self.target is None:
            return ""
        return "yes" if self.value <= self.target else "NO"


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, *args, **kwargs) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        target = f"≤ {figure.target:g} {figure.unit}" if figure.target is not None else ""
        print(f"  {figure.name:<52} {figure.value:>10.3g} {figure.unit:<6} {target:<14} {figure.met:<4} {figure.note}",
              flush=True)
        return figure


# ---------------------------------------------------------------- helpers
def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_timed(command: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, ()))
    return found


def tree_memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of the process tree in bytes. PSS shares pages among the forked workers fairly."""
    pss = rss = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return pss, rss


class MemorySampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_pss = self.peak_rss = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            pss, rss = tree_memory(self.pid)
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.stopped.wait(self.interval)


# ---------------------------------------------------------------- sections
def floor_and_check(report: Report, work: Path) -> None:
    from lxml import etree

    from contractkit.checking.checker import Checker
    from contractkit.reading import read_document

    print("\nper document (30,000-character contracts, steady state)")
    names = inputs.sample_names()
    files = []
    for seed in range(6):
        path = work / f"large-{seed}.docx"
        path.write_bytes(inputs.large_contract(seed=seed, name=names[seed % len(names)]))
        files.append(path)
    sizes = [len(read_document(f).text) for f in files]

    def extract(path: Path) -> str:  # the floor: unzip + parse + all text, nothing else
        with zipfile.ZipFile(path) as archive:
            root = etree.fromstring(archive.read("word/document.xml"))
        return "".join(root.itertext())

    floor = statistics.median(median_seconds(lambda f=f: extract(f), 20) for f in files)
    reader = statistics.median(median_seconds(lambda f=f: read_document(f), 10) for f in files)
    checker = Checker()
    checker.engine.warm_up()
    for f in files:
        checker.check_path(f)  # first use of each pattern, cache warm
    check = statistics.median(median_seconds(lambda f=f: checker.check_path(f), 3) for f in files)
    report.add("characters per contract (median)", statistics.median(sizes), "chars")
    report.add("floor: unzip + lxml + text", floor * 1000, "ms")
    report.add("reader (read_document)", reader * 1000, "ms", note=f"{reader / floor:.1f}x the floor")
    report.add("check, steady state", check * 1000, "ms", target=50, note=f"{check / floor:.0f}x the floor")
    report.add("check / floor", check / floor, "x", target=10)
    _with_playbook(report, checker, files, check)
    _breakdown(checker, files)


def _with_playbook(report: Report, checker, files: list[Path], check: float) -> None:
    """What judging the strict sample playbook's positions adds to a check (target: under 20%)."""
    from dataclasses import replace

    from contractkit.checking.checker import Checker
    from contractkit.playbooks import load_playbook

    playbook = load_playbook(HERE.parent / "samples" / "playbooks" / "strict-provider.yaml")
    with_playbook = Checker(replace(checker.settings, playbook=playbook), engine=checker.engine)
    for f in files:
        with_playbook.check_path(f)
    # Interleaved, so that the machine's drift (±40% over a day) falls on both alike.
    plain, judged = [], []
    for _round in range(3):
        for f in files:
            plain.append(median_seconds(lambda f=f: checker.check_path(f), 1))
            judged.append(median_seconds(lambda f=f: with_playbook.check_path(f), 1))
    base, seconds = statistics.median(plain), statistics.median(judged)
    report.add("check with a playbook, added", (seconds / base - 1) * 100, "%", target=20,
               note=f"{seconds * 1000:.0f} ms against {base * 1000:.0f} ms (interleaved; 11 positions)")


def _breakdown(checker, files: list[Path]) -> None:
    """Where one check's time goes, part by part, each part timed on its own (medians over the files):
    reading the file, finding the terms and cutting the sentences, the jieba word rule, the parties,
    reading the sentences in context (mentions, sections, continuations, table rows), judging the
    requirements (rules, explanations, evidence, the report) and rendering the suggested clauses. The
    parts' sum is printed beside the whole check of the same files, so that nothing goes unaccounted."""
    from dataclasses import replace

    from contractkit.checking.checker import Checker
    from contractkit.checking.understanding.nlp import make_engine
    from contractkit.checking.understanding.parties import analyse_parties
    from contractkit.reading import read_document

    terms_only = make_engine("terms", checker.lexicons)
    unsuggested = Checker(replace(checker.settings, suggestions=False), engine=checker.engine)
    parts: dict[str, list[float]] = {}
    for path in files:
        source = read_document(path)
        texts = [b.text for b in source.blocks]
        parties = analyse_parties(texts, checker.standard, {}, None)
        flat = [s for block in checker.engine.analyse(texts) for s in block]
        times = {
            "read": median_seconds(lambda path=path: read_document(path), 7),
            "terms": median_seconds(lambda texts=texts: terms_only.analyse(texts), 7),
            "analyse": median_seconds(lambda texts=texts: checker.engine.analyse(texts), 7),
            "parties": median_seconds(lambda texts=texts: analyse_parties(texts, checker.standard, {}, None), 7),
            "in context": median_seconds(lambda s=source, f=flat, p=parties: checker._read(s, f, p), 7),
            "unsuggested": median_seconds(lambda s=source: unsuggested.check_document(s), 7),
            "whole": median_seconds(lambda s=source: checker.check_document(s), 7),
            "check": median_seconds(lambda path=path: checker.check_path(path), 7),
        }
        times["word rule"] = times["analyse"] - times["terms"]
        times["rules"] = times["unsuggested"] - times["analyse"] - times["parties"] - times["in context"]
        times["suggestions"] = times["whole"] - times["unsuggested"]
        for name, seconds in times.items():
            parts.setdefault(name, []).append(seconds * 1000)
    ms = {name: statistics.median(values) for name, values in parts.items()}
    names = {"read": "reading the file", "terms": "terms + sentences", "word rule": "jieba word rule",
             "parties": "parties", "in context": "sentences in context", "rules": "rules + report",
             "suggestions": "suggested clauses"}
    words = ", ".join(f"{label} {ms[name]:.1f} ms" for name, label in names.items())
    runs = getattr(getattr(checker.engine, "words", None), "runs_segmented", 0)
    print(f"    of which: {words}; parts {sum(ms[name] for name in names):.0f} ms against "
          f"{ms['check']:.0f} ms for the whole check ({runs} runs segmented by jieba in all, each once)")


class ParentMemory(threading.Thread):
    """The RSS of one process (the batch's parent, not its workers) over time: (seconds, bytes) samples."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        started = time.perf_counter()
        while not self.stopped.is_set():
            try:
                with open(f"/proc/{self.pid}/status") as status:
                    rss = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmRSS:"))
                self.samples.append((time.perf_counter() - started, rss))
            except (OSError, StopIteration):
                pass
            self.stopped.wait(self.interval)

    def growth_per_file(self, files: int) -> float:
        """Bytes the parent grows by per file checked: the median RSS over the last tenth of the run less
        that over 15-25 % of it (start-up and the first files left out), over the files between (files
        are checked at a steady rate)."""
        if len(self.samples) < 20:
            return float("nan")
        end = self.samples[-1][0]

        def around(low: float, high: float) -> tuple[float, float]:
            window = [(t, r) for t, r in self.samples if low * end <= t <= high * end]
            return statistics.median(t for t, _ in window), statistics.median(r for _, r in window)

        (t1, r1), (t2, r2) = around(0.15, 0.25), around(0.9, 1.0)
        return (r2 - r1) / ((t2 - t1) / end * files)


def _timed_batch(command: list[str], files: int, **kwargs) -> tuple[float, MemorySampler, ParentMemory]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    tree, parent = MemorySampler(process.pid), ParentMemory(process.pid)
    tree.start()
    parent.start()
    process.wait()
    wall = time.perf_counter() - started
    for sampler in (tree, parent):
        sampler.stopped.set()
        sampler.join()
    return wall, tree, parent


def batch(report: Report, work: Path, count: int = 1000, formats: tuple[str, ...] = ("jsonl", "json")) -> None:
    print(f"\n{count:,} mixed contracts, `contractkit check FOLDER --jobs 2` (the default on 2 cores)")
    folder = work / "folder"
    kinds = inputs.build_folder(folder, count)
    for number, fmt in enumerate(formats):
        out = work / f"batch.{fmt}"
        command = CLI + ["check", str(folder), "--jobs", "2", "--format", fmt, "-o", str(out), "--force"]
        wall, tree, parent = _timed_batch(command, count)
        text = out.read_text(encoding="utf-8")
        if fmt == "jsonl":
            documents = [line["document"] for line in map(json.loads, text.splitlines()) if line["type"] == "document"]
        else:
            documents = json.loads(text)["documents"]
        errors = sum(d["status"] == "error" for d in documents)
        if not number:
            report.add("files", len(documents), "files", note=f"{kinds}; {errors} unreadable on purpose")
        report.add(f"batch wall time (--format {fmt})", wall, "s", target=60 * count / 1000,  # < 60 s per 1,000
                   note=f"{wall / len(documents) * 1000:.0f} ms a file")
        growth = parent.growth_per_file(len(documents)) * 1000 / 2**20
        peak_parent = max((rss for _, rss in parent.samples), default=0) / 2**20
        report.add(f"parent RSS growth per 1,000 files ({fmt})", growth, "MiB",
                   note=f"x100 = {growth * 100 / 1024:.2f} GiB for 100,000 files; parent peak {peak_parent:.0f} MiB")
        report.add(f"batch peak memory (PSS, process tree, {fmt})", tree.peak_pss / 2**20, "MiB", target=1024,
                   note=f"RSS summed {tree.peak_rss / 2**20:.0f} MiB (counts shared pages once per process)")


def cold(report: Report, work: Path) -> None:
    print("\ncold start (a new process each time)")
    contract = work / "one.docx"
    contract.write_bytes(inputs.large_contract(seed=42))
    help_time = statistics.median(run_timed(CLI + ["--help"]) for _ in range(5))
    python = statistics.median(run_timed([sys.executable, "-c", "pass"]) for _ in range(5))
    generate = statistics.median(
        run_timed(CLI + ["generate", "provider-om", "-o", str(work / "g.docx"), "--force"]) for _ in range(3))
    first = statistics.median(
        run_timed(CLI + ["check", str(contract), "--format", "json", "-o", str(work / "c.json"), "--force"])
        for _ in range(3))
    report.add("contractkit --help", help_time, "s", target=0.3, note=f"python itself starts in {python:.2f} s")
    report.add("contractkit generate provider-om (.docx)", generate, "s", target=1.0)
    report.add("contractkit check one 30k contract (to exit)", first, "s", target=1.0)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux)."""
    with open(f"/proc/{pid}/stat", "rb") as stat:
        fields = stat.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web(report: Report, work: Path) -> None:
    print("\nreview service: 20 concurrent uploads of a 30,000-character contract (?wait=true)")
    contract = inputs.large_contract(seed=7)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir = work / "service"
    server = subprocess.Popen(CLI + ["serve", "--port", str(port), "--data-dir", str(data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{base}/api/health", timeout=2).read()
                break
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError("the service did not start") from exc
                time.sleep(0.2)

        def upload(i: int) -> float:
            boundary = f"----bench{i}"
            body = io.BytesIO()
            body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
                       f"filename=\"contract-{i}.docx\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
            body.write(contract)
            body.write(f"\r\n--{boundary}--\r\n".encode())
            request = urllib.request.Request(f"{base}/api/reviews?wait=true", data=body.getvalue(), method="POST",
                                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
            started = time.perf_counter()
            with opener.open(request, timeout=120) as response:
                review = json.loads(response.read())
                assert response.status == 201 and review["finished"]
            checks.append(review["documents"][0]["seconds"])
            return time.perf_counter() - started

        checks: list[float] = []  # seconds each check took in its worker
        upload(-1)  # the first request pays for nothing the others do not
        checks.clear()
        load = os.getloadavg()[0]
        parent_cpu = _cpu_seconds(server.pid)
        with concurrent.futures.ThreadPoolExecutor(20) as pool:
            latencies = sorted(pool.map(upload, range(20)))
        parent_cpu = _cpu_seconds(server.pid) - parent_cpu
        p50 = statistics.median(latencies)
        p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
        sampler_pss, _ = tree_memory(server.pid)
        report.add("upload + check latency p50", p50, "s",
                   note=f"a check takes {statistics.median(checks) * 1000:.0f} ms (median) in its worker; "
                        f"load average {load:.1f} before")
        report.add("upload + check latency p95", p95, "s", target=2.0,
                   note=f"max {latencies[-1]:.2f} s; {len(latencies)} uploads; "
                        f"service PSS {sampler_pss / 2**20:.0f} MiB; the service's own process (not its "
                        f"workers) used {parent_cpu:.2f} s of CPU")
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


SECTIONS = {"check": floor_and_check, "batch": batch, "cold": cold, "web": web}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only this section (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them (default: a temporary folder)")
    parser.add_argument("--batch-files", type=int, default=1000, help="files in the batch section's folder")
    parser.add_argument("--batch-format", action="append", choices=["jsonl", "json", "html", "csv", "terminal"],
                        help="report format(s) the batch section writes (default: jsonl, then json)")
    args = parser.parse_args()
    print(f"contractkit benchmarks — {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    os.environ.setdefault("CONTRACTKIT_CACHE_DIR", str(HERE.parent / ".cache"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="contractkit-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report = Report()
    try:
        for name in args.only or SECTIONS:
            if name == "batch":
                batch(report, work, args.batch_files, tuple(args.batch_format or ("jsonl", "json")))
            else:
                SECTIONS[name](report, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ | {"met": f.met} for f in report.figures],
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    missed = [f.name for f in report.figures if f.met == "NO"]
    print(f"\n{len(report.figures)} figures; targets missed: {', '.join(missed) if missed else 'none'}")


if __name__ == "__main__":
    main()
