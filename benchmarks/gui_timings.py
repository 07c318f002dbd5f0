#!/usr/bin/env python
"""Start-up and GUI-thread responsiveness of the real application, each against its anchor.

    python benchmarks/gui_timings.py [--database-url URL] [--repeat 7] [--json FILE]

* `measure_start(database_url, repeat)`: time from spawning `python` to the first window exposed,
  in fresh processes (`QT_QPA_PLATFORM=offscreen`), the application (`app.main`) alternating with
  a bare PySide6 window in the same run; the ratio run by run and its median. Also when the store
  was open and 홈 shown ("ready").
* `measure_heartbeat(database_url)`: one application process with a 5 ms `QTimer` heartbeat on the
  GUI thread; after each user action (login → the role's home for each role, page switches) the
  longest gap between beats and their p95 until the work has settled; anchored to the heartbeat of
  an idle bare window in another process. A gap is how long the GUI thread could not react.

Logins of a store made by generate.py (password `bench-pass-2026`) are used; `--demo-logins` takes
the demo store's. The application writes its log into benchmarks/out/gui-data (KVOUCHER_DATA_DIR).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_URL = f"sqlite:///{(HERE / 'out' / 'programme.sqlite3').as_posix()}"
BENCH_PASSWORD = "bench-pass-2026"  # as in generate.py
#: (login id, password, pages to switch to after the role's home)
BENCH_LOGINS = (
    ("demand00001", BENCH_PASSWORD, ("catalog", "deal_inbox", "voucher")),
    ("supplier001", BENCH_PASSWORD, ("deal_inbox", "supplier_inquiries")),
    ("operator-seoul", BENCH_PASSWORD, ("catalog",)),
    ("agency", BENCH_PASSWORD, ("screening_dashboard", "manage_accounts")),
)
DEMO_PASSWORD = "demo-pass-2026"
DEMO_LOGINS = tuple((login, DEMO_PASSWORD, pages) for login, pages in (
    ("demand", ("catalog", "deal_inbox", "voucher")), ("supplier", ("deal_inbox", "supplier_inquiries")),
    ("operator", ("catalog",)), ("agency", ("screening_dashboard", "manage_accounts"))))
#: --pycache-prefix: bytecode compiled beforehand into this tree (`PYTHONPYCACHEPREFIX`), e.g. to time
#: "compiled at install" without writing into the source tree
PYCACHE_PREFIX = ""
#: heartbeat period; an idle loop beats about this often
BEAT_MS = 5
#: an action has settled when no background job is pending and nothing blocked for this long
SETTLE_MS = 400
#: gaps longer than this are listed with the CPU the GUI thread and the process had in them
LONG_MS = 25

# --------------------------------------------------------------------------------------------
# Start-up: first window exposed, application vs bare window
# --------------------------------------------------------------------------------------------

_EXPOSED = r"""
import json, sys, time
spawned = float(sys.argv[1])
since = lambda: (time.time() - spawned) * 1000
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication.instance() or QApplication(["kvoucher-desktop"])
out = {}

def seen():
    if "exposed" not in out:
        out["exposed"] = since()
        QTimer.singleShot(0, exposed)

class Exposed(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and obj.isExposed():
            seen()
        return False

watcher = Exposed()
# The filter sits on the first shown window's QWindow only, the same in both arms: an
# application-wide filter would pass every event of every widget through Python (about 700 for
# the app against the bare window's 29) and so slow the arm it measures.
_show = QWidget.show
def show(widget):
    _show(widget)
    handle = widget.windowHandle()
    if handle is not None and "exposed" not in out:
        handle.installEventFilter(watcher)
        if handle.isExposed():
            seen()
QWidget.show = show
"""

BARE = _EXPOSED + r"""
from PySide6.QtWidgets import QMainWindow
def exposed():
    app.quit()
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1280, 820)
window.show()
app.exec()
print("START " + json.dumps(out), flush=True)
"""

APP = _EXPOSED + r"""
url = sys.argv[2]
def window_of():
    from kvoucher_desktop.views.main_window import MainWindow
    return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)

def exposed():
    def poll():
        window = window_of()
        if window is not None and window.services is not None:
            out["ready"] = since()
            window.close()  # quits the application; main() returns
        elif window is not None and window.start_page is not None and window.start_page.failed:
            out["failed"] = window.start_page.message.text()
            window.close()
        else:
            QTimer.singleShot(2, poll)
    poll()

from kvoucher_desktop import app as app_module
code = app_module.main(["--database-url", url])
out["code"] = code
print("START " + json.dumps(out), flush=True)
"""


def _env() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KVOUCHER_DATA_DIR=str(HERE / "out" / "gui-data"))
    if PYCACHE_PREFIX:
        env["PYTHONPYCACHEPREFIX"] = PYCACHE_PREFIX
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _spawn(code: str, *args: str, marker: str = "START ", timeout: float = 300) -> dict:
    spawned = time.time()
    proc = subprocess.run([sys.executable, "-c", code, repr(spawned), *args], env=_env(), cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(marker)), None)
    if line is None:
        raise RuntimeError(f"subprocess failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return json.loads(line[len(marker):])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else 0.0


def measure_start(database_url: str, repeat: int = 7) -> dict:
    """Spawn → first window exposed, `repeat` times the application and a bare PySide6 window,
    alternating (which goes first alternates too). Milliseconds; ratios run by run."""
    app_ms, bare_ms, ready_ms, ratios = [], [], [], []
    _spawn(BARE)  # warm the OS file cache for both, untimed
    _spawn(APP, database_url)
    for i in range(repeat):
        order = (True, False) if i % 2 == 0 else (False, True)
        run = {}
        for is_app in order:
            result = _spawn(APP, database_url) if is_app else _spawn(BARE)
            if is_app and "failed" in result:
                raise RuntimeError(f"the application could not open the store: {result['failed']}")
            run["app" if is_app else "bare"] = result
        app_ms.append(run["app"]["exposed"])
        ready_ms.append(run["app"]["ready"])
        bare_ms.append(run["bare"]["exposed"])
        ratios.append(run["app"]["exposed"] / run["bare"]["exposed"])
    return {
        "app_ms": app_ms, "bare_ms": bare_ms, "ready_ms": ready_ms, "ratios": ratios,
        "app_median_ms": statistics.median(app_ms), "bare_median_ms": statistics.median(bare_ms),
        "ready_median_ms": statistics.median(ready_ms), "median_ratio": statistics.median(ratios),
        "bytecode": _bytecode_note(),
    }


def _bytecode_note() -> str:
    if PYCACHE_PREFIX:
        return "bytecode of the project and its dependencies compiled beforehand (PYTHONPYCACHEPREFIX)"
    cached = (ROOT / "kvoucher_desktop" / "__pycache__").is_dir()
    flag = "PYTHONDONTWRITEBYTECODE=1" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "bytecode written"
    return f"{flag}; project bytecode {'compiled' if cached else 'not compiled (source compiled at every start)'}"


# --------------------------------------------------------------------------------------------
# Heartbeat: the longest GUI-thread gap after each user action
# --------------------------------------------------------------------------------------------

_HEARTBEAT = r"""
import json, sys, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication.instance() or QApplication(["kvoucher-desktop"])
# per beat: wall time (CLOCK_MONOTONIC, the same clock in every process), the GUI thread's CPU
# time and the whole process's: a long gap with little GUI-thread CPU was spent waiting (for the
# GIL held by a worker, or for a core the machine gave to somebody else)
beats, cpu, proc = [], [], []
def beat():
    beats.append(time.perf_counter()); cpu.append(time.thread_time()); proc.append(time.process_time())
heart = QTimer()
heart.setTimerType(Qt.TimerType.PreciseTimer)
heart.timeout.connect(beat)
heart.start(%(beat)d)

def _inside(t0, t1):
    # from the last beat before t0: a synchronous action blocks before the next beat
    first = next((i for i, b in enumerate(beats) if b >= t0), len(beats))
    last = next((i for i in range(len(beats) - 1, -1, -1) if beats[i] <= t1), -1)
    return range(max(0, first - 1), last + 1)

def gaps_between(t0, t1):
    idx = _inside(t0, t1)
    return [(beats[i] - beats[i - 1]) * 1000 for i in idx if i > idx.start]

def long_gaps(t0, t1, over_ms):
    # (start, end, GUI-thread CPU ms, process CPU ms) of each gap longer than over_ms
    idx = _inside(t0, t1)
    return [(beats[i - 1], beats[i], (cpu[i] - cpu[i - 1]) * 1000, (proc[i] - proc[i - 1]) * 1000)
            for i in idx if i > idx.start and (beats[i] - beats[i - 1]) * 1000 > over_ms]

def summary(t0, t1):
    gaps = gaps_between(t0, t1)
    ordered = sorted(gaps)
    p95 = ordered[max(0, -(-95 * len(ordered) // 100) - 1)] if ordered else 0.0
    return {"max_ms": max(gaps, default=0.0), "p95_ms": p95, "beats": len(gaps), "span_ms": (t1 - t0) * 1000,
            "t0": t0, "t1": t1, "long": long_gaps(t0, t1, %(long)d),
            "short_max_ms": max((g for g in gaps if g <= %(long)d), default=0.0)}
"""

IDLE = _HEARTBEAT + r"""
import os
from PySide6.QtWidgets import QMainWindow
window = QMainWindow()
window.resize(1280, 820)
window.show()
stop_file = sys.argv[2]  # beats until this file exists (it runs beside the driven application)
t0 = time.perf_counter() + 0.5
def check():
    if os.path.exists(stop_file):
        print("BEAT " + json.dumps({"idle": summary(t0, time.perf_counter())}), flush=True)
        app.quit()
    else:
        QTimer.singleShot(50, check)
QTimer.singleShot(3500, check)
app.exec()
"""

DRIVE = _HEARTBEAT + r"""
url, logins = sys.argv[2], json.loads(sys.argv[3])  # argv[1]: the spawn time
from kvoucher_desktop import app as app_module
from kvoucher_desktop.views import preload
if sys.argv[4] == "no-preload":  # A/B: page modules imported when first opened, as before
    preload.start = lambda: None
import os
if os.environ.get("GUI_TIMINGS_SWITCH_MS"):  # --switch-interval-ms: A/B of the GIL switch interval
    app_module.GUI_SWITCH_INTERVAL_S = float(os.environ["GUI_TIMINGS_SWITCH_MS"]) / 1000
from kvoucher_desktop.views.tasks import pending_tasks
out = {"actions": []}

def window_of():
    from kvoucher_desktop.views.main_window import MainWindow
    return next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)

def settled_then(after, start, timeout=60.0):
    # wait until no job is pending and nothing happened for SETTLE_MS, then call after(t_end)
    def check():
        now = time.perf_counter()
        quiet = beats and (now - beats[-1]) * 1000 < 50 and pending_tasks() == 0 and preload.done()
        if quiet and (now - check.last_busy) * 1000 >= %(settle)d:
            after(now)
            return
        if not quiet:
            check.last_busy = now
        if now - start > timeout:
            after(now)
            return
        QTimer.singleShot(20, check)
    check.last_busy = time.perf_counter()
    QTimer.singleShot(20, check)

steps = []
def action(label, fn):
    steps.append((label, fn))

def run_next():
    if not steps:
        window_of().close()
        return
    label, fn = steps.pop(0)
    t0 = time.perf_counter()
    fn()
    def ended(t1):
        out["actions"].append(dict(summary(t0, t1), label=label))
        QTimer.singleShot(50, run_next)
    settled_then(ended, t0)

def login(login_id, password):
    def fn():
        window = window_of()
        window.open_login()
        dialog = window.login_dialog
        dialog.login_id.setText(login_id)
        dialog.password.setText(password)
        dialog.ok.click()
    return fn

def page(key):
    return lambda: window_of().open_page(key)

for login_id, password, pages in logins:
    action(f"login → home ({login_id})", login(login_id, password))
    for key in pages:
        action(f"{login_id}: open {key}", page(key))
    action(f"logout ({login_id})", lambda: window_of().logout())

def started():
    window = window_of()
    if window is None or window.services is None:
        QTimer.singleShot(10, started)
        return
    t0 = time.perf_counter()
    def idle(t1):
        out["start_to_idle"] = summary(t_first, t1)
        run_next()
    settled_then(idle, t0)

t_first = time.perf_counter()
QTimer.singleShot(0, started)
import os
stacks = os.environ.get("GUI_TIMINGS_STACKS")  # --stacks: what every thread was doing in long gaps
if stacks:
    import threading, traceback
    gui_ident, samples = threading.get_ident(), []
    def sample():
        while not sample.stop:
            time.sleep(0.004)
            now = time.perf_counter()
            if beats and (now - beats[-1]) * 1000 > %(long)d:
                frames = sys._current_frames()
                def short(frame):
                    return [f"{fs.filename.rsplit('/', 2)[-1]}:{fs.lineno} {fs.name}"
                            for fs in traceback.extract_stack(frame)[-8:]]
                samples.append({"t": now, "since_beat_ms": (now - beats[-1]) * 1000,
                                "gui": short(frames[gui_ident]) if gui_ident in frames else [],
                                "others": [short(f)[-3:] for ident, f in frames.items()
                                           if ident not in (gui_ident, threading.get_ident())]})
    sample.stop = False
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    import gc
    collections = []
    def _gc(phase, info):
        if phase == "start":
            _gc.t, _gc.count = time.perf_counter(), gc.get_count()
        else:
            collections.append({"t": _gc.t, "ms": (time.perf_counter() - _gc.t) * 1000, "gen": info["generation"],
                                "count": _gc.count, "collected": info["collected"],
                                "gui": threading.get_ident() == gui_ident})
    gc.callbacks.append(_gc)
    imports = []  # every module imported, with the thread and when: a first import in a worker holds the GIL
    def _audit(event, args):
        if event == "import":
            imports.append({"t": time.perf_counter(), "module": args[0], "gui": threading.get_ident() == gui_ident})
    sys.addaudithook(_audit)
profile = os.environ.get("GUI_TIMINGS_PROFILE")  # --profile: cProfile of the GUI thread
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
code = app_module.main(["--database-url", url])
if profile:
    profiler.disable()
    profiler.dump_stats(profile)
if stacks:
    sample.stop = True
    with open(stacks, "w") as f:
        json.dump({"samples": samples, "collections": collections, "imports": imports, "actions": out["actions"]}, f,
                  ensure_ascii=False)
print("BEAT " + json.dumps(out), flush=True)
"""


def _overlaps(gap, others) -> bool:
    return any(o[0] < gap[1] and gap[0] < o[1] for o in others)


def measure_heartbeat(database_url: str, logins=BENCH_LOGINS, preload: bool = True) -> dict:
    """Longest GUI-thread gap and p95 after each user action, and the anchor: the heartbeat of an
    idle bare window in another process that beats *beside* the driven application, the whole
    time. A gap of the application during which the idle window also stalled for over `LONG_MS`
    was the machine's (both processes waited for a core), not the application's: each action's
    `own_max_ms` leaves those out, `max_ms` does not. `preload=False` leaves out the idle-time
    import of the page modules (for comparison)."""
    params = {"beat": BEAT_MS, "settle": SETTLE_MS, "long": LONG_MS}
    stop = HERE / "out" / f"idle-stop-{os.getpid()}"
    stop.unlink(missing_ok=True)
    idle_proc = subprocess.Popen([sys.executable, "-c", IDLE % params, repr(time.time()), str(stop)], env=_env(),
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)  # the idle window is up and beating before the application starts
        driven = _spawn(DRIVE % params, database_url, json.dumps([list(x) for x in logins]),
                        "preload" if preload else "no-preload", marker="BEAT ")
    finally:
        stop.touch()
        out, err = idle_proc.communicate(timeout=60)
        stop.unlink(missing_ok=True)
    line = next((ln for ln in out.splitlines() if ln.startswith("BEAT ")), None)
    if line is None:
        raise RuntimeError(f"idle window failed ({idle_proc.returncode}):\n{err[-3000:]}")
    idle = json.loads(line[len("BEAT "):])["idle"]
    stalls = idle["long"]
    for act in driven["actions"] + [driven.get("start_to_idle") or {"long": [], "max_ms": 0}]:
        act["max_ratio"] = act["max_ms"] / idle["max_ms"] if idle["max_ms"] else math.inf
        act["machine"] = [g for g in act["long"] if _overlaps(g, stalls)]
        own = [g for g in act["long"] if not _overlaps(g, stalls)]
        act["own_max_ms"] = max([(g[1] - g[0]) * 1000 for g in own] + [act.get("short_max_ms", 0.0)])
    return {"idle": idle, "actions": driven["actions"], "start_to_idle": driven.get("start_to_idle"),
            "worst_max_ms": max((a["max_ms"] for a in driven["actions"]), default=0.0),
            "worst_own_max_ms": max((a["own_max_ms"] for a in driven["actions"]), default=0.0)}


# --------------------------------------------------------------------------------------------

def store_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def markdown(url: str, start: dict | None, beat: dict | None) -> str:
    lines = [f"### {store_name(url)} — {start['bytecode'] if start else _bytecode_note()}"]
    if start:
        lines += ["", "| measurement | value | anchor | ratio |", "|---|---:|---:|---:|"]
        lines.append(f"| start: spawn → first window exposed (median of {len(start['ratios'])}) | "
                     f"{start['app_median_ms']:.0f} ms | {start['bare_median_ms']:.0f} ms (bare PySide6 window) | "
                     f"{start['median_ratio']:.2f}× |")
        lines.append(f"| ↳ ratios run by run | {', '.join(f'{r:.2f}' for r in start['ratios'])} | | |")
        lines.append(f"| ↳ store open and 홈 shown (median) | {start['ready_median_ms']:.0f} ms | "
                     f"{start['bare_median_ms']:.0f} ms | {start['ready_median_ms'] / start['bare_median_ms']:.2f}× |")
    if beat:
        idle = beat["idle"]
        anchor = f"{idle['max_ms']:.1f} / {idle['p95_ms']:.1f} ms (idle bare window beside it)"
        lines += ["", "| GUI-thread gap after | max / p95 | own max (machine stalls left out) | anchor | ratio | "
                  f"gaps over {LONG_MS} ms: wall (GUI-thread CPU, process CPU) ms, * = the idle window stalled too |",
                  "|---|---:|---:|---:|---:|---|"]
        rows = ([("start-up until idle (not a user action)", beat["start_to_idle"])] if beat.get("start_to_idle")
                else []) + [(act["label"], act) for act in beat["actions"]]
        for label, act in rows:
            gaps = ", ".join(f"{(g[1] - g[0]) * 1000:.0f} ({g[2]:.0f}, {g[3]:.0f}){'*' if g in act.get('machine', []) else ''}"
                             for g in act.get("long", []))
            own = f"{act['own_max_ms']:.1f} ms" if "own_max_ms" in act else ""
            lines.append(f"| {label} | {act['max_ms']:.1f} / {act['p95_ms']:.1f} ms | {own} | "
                         f"{anchor} | {act['max_ms'] / idle['max_ms']:.1f}× | {gaps} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-start", action="store_true")
    parser.add_argument("--no-heartbeat", action="store_true")
    parser.add_argument("--demo-logins", action="store_true", help="the demo store's logins (demo-pass-2026)")
    parser.add_argument("--no-preload", action="store_true",
                        help="heartbeat without importing the page modules ahead of need (for comparison)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--stacks", help="write what every thread was doing whenever the GUI thread had not "
                        f"beaten for {LONG_MS} ms (sampled every 4 ms) to this JSON file")
    parser.add_argument("--profile", help="write a cProfile of the heartbeat run's GUI thread to this file")
    parser.add_argument("--switch-interval-ms", type=float,
                        help="run the application with this GIL switch interval instead of its own (A/B)")
    parser.add_argument("--pycache-prefix", help="compile the project and site-packages into this folder first "
                        "(`compileall`, as an installer would) and run with PYTHONPYCACHEPREFIX set to it")
    args = parser.parse_args(argv)
    if args.stacks:
        os.environ["GUI_TIMINGS_STACKS"] = str(Path(args.stacks).resolve())
    if args.profile:
        os.environ["GUI_TIMINGS_PROFILE"] = str(Path(args.profile).resolve())
    if args.switch_interval_ms:
        os.environ["GUI_TIMINGS_SWITCH_MS"] = str(args.switch_interval_ms)
    if args.pycache_prefix:
        global PYCACHE_PREFIX
        PYCACHE_PREFIX = str(Path(args.pycache_prefix).resolve())
        import sysconfig
        env = dict(os.environ, PYTHONPYCACHEPREFIX=PYCACHE_PREFIX)
        for tree in (ROOT / "kvoucher_desktop", sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"]):
            subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", str(tree)], env=env, check=False,
                           stdout=subprocess.DEVNULL)
    start = None if args.no_start else measure_start(args.database_url, args.repeat)
    beat = None if args.no_heartbeat else measure_heartbeat(args.database_url,
                                                            DEMO_LOGINS if args.demo_logins else BENCH_LOGINS,
                                                            preload=not args.no_preload)
    print(markdown(args.database_url, start, beat))
    if args.json:
        Path(args.json).write_text(json.dumps({"url": store_name(args.database_url), "start": start,
                                               "heartbeat": beat}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
