"""Hardening round two (issue 14): the per-file budget, padded PDFs, the explain view's size, control
characters from documents, the manifest saved as results arrive, and no network from any template.

Everything runs the real CLI in a subprocess; time and peak resident memory are measured, not mocked."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from listener import Listener
from conftest import CLI, FIXTURES, assert_no_traceback, run_cli, run_measured

GOOD = FIXTURES / "text" / "az104-fail-classic.pdf"
HOSTILE = FIXTURES / "hostile"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def one_sentence(proc, name: str) -> str:
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and name in lines[0], proc.stderr
    return lines[0]


@pytest.mark.parametrize("tail", [b"", b"report"])
def test_199_mb_of_padding_is_refused_fast(tmp_path, tail):
    """A PDF header and 199 MB of zeros (sparse, so cheap to make), with or without a real report's
    objects after them: pdfminer used to walk the padding a byte at a time for minutes."""
    path = tmp_path / "padded.pdf"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        data = GOOD.read_bytes() if tail else b""
        fh.seek(199 * 2**20 - len(data) - 16)
        fh.write(data + b"\n" * 16)
    proc, seconds, peak = run_measured("parse", "--json", str(path), tmp=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 3, proc.stderr
    assert "no usable cross-reference table" in one_sentence(proc, "padded.pdf")
    assert seconds < 10 and peak < 1024, (seconds, peak)


def test_time_and_memory_budget_refuse_with_one_sentence(tmp_path):
    """The budget is enforced where the work happens (plain `parse`, no batch): a file that needs
    longer than the limit, or more memory than the ceiling, is refused with exit 3."""
    photo = FIXTURES / "images" / "dp900-fail-shortname-photo.jpg"  # real OCR: a few seconds
    proc, seconds, _ = run_measured("parse", str(photo), tmp=tmp_path, env={"SCOREREADER_TIME_LIMIT": "0.5"})
    assert proc.returncode == 3, proc.stderr
    assert "took longer than 0.5 s" in one_sentence(proc, photo.name)
    assert seconds < 5
    big = HOSTILE / "page-199in-chart-picture.pdf"  # ~220 MB to read within the default ceiling
    proc, seconds, peak = run_measured("parse", str(big), tmp=tmp_path, env={"SCOREREADER_MEMORY_MB": "150"})
    assert proc.returncode == 3, proc.stderr
    assert "memory" in one_sentence(proc, big.name)
    assert peak < 400


def test_explain_on_a_thin_tall_page_is_rendered_within_bounds(tmp_path):
    """10 pt × 194 inches at 1,400 px wide was a 2.7-gigapixel picture (7.9 GB, then an internal error)."""
    from PIL import Image

    src = tmp_path / "thin.pdf"
    shutil.copyfile(HOSTILE / "page-10pt-by-194in.pdf", src)
    proc, seconds, peak = run_measured("parse", "--explain", str(src), tmp=tmp_path)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert seconds < 10 and peak < 1024, (seconds, peak)
    with Image.open(tmp_path / "thin.explain-p1.png") as im:
        assert max(im.size) <= 16_384 and im.width * im.height <= 12_000_000


def test_control_characters_never_reach_the_terminal_or_the_csv(tmp_path):
    name = "\x1b[2J\x1b]0;pwned\x07evil\x9b31m.pdf"
    shutil.copyfile(HOSTILE / "name-terminal-escapes.pdf", tmp_path / name)
    proc = run_cli("parse", name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert not CONTROL.search(proc.stdout) and not CONTROL.search(proc.stderr), repr(proc.stdout[:200])
    proc = run_cli("batch", str(tmp_path), "-o", str(tmp_path / "out"), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    csv = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8-sig")
    assert not CONTROL.search(csv.replace("\r\n", "")), repr(csv)


def _descendants(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the batch's workers")
def test_batch_killed_mid_run_resumes_from_the_manifest(tmp_path):
    """SIGKILL (or the OOM killer) mid-batch used to lose every result: the manifest was saved at exit."""
    d = tmp_path / "class"
    d.mkdir()
    for stem, fx in (("aa", "az104-fail-classic"), ("bb", "az204-fail-twopage"), ("zz-hangs", "az305-fail-bandwords")):
        shutil.copyfile(FIXTURES / "text" / f"{fx}.pdf", d / f"{stem}.pdf")
    out = tmp_path / "out"
    env = dict(os.environ, OMP_THREAD_LIMIT="1", SCOREREADER_TEST_HANG="parse:zz-hangs")
    batch = subprocess.Popen([*CLI, "batch", str(d), "-o", str(out), "--jobs", "1"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / ".scorereader-manifest.journal"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if journal.is_file() and journal.read_text().count("\n") >= 2:
                break
            time.sleep(0.2)
    finally:
        procs = [batch.pid, *_descendants(batch.pid)]
        for pid in procs:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        batch.wait()
    assert not (out / ".scorereader-manifest.json").exists()  # killed before the end-of-run save
    proc = run_cli("batch", str(d), "-o", str(out), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "summary.json").read_text())
    assert meta["run"]["work"]["parse"] == 1  # only the file that was running when the batch died


def test_dates_in_year_one_are_not_2001():
    from scorereader.parsers import parse_date

    assert parse_date("Exam Date: 01/01/0001") is None  # unknown (null + a warning), never 2001
    assert str(parse_date("Exam Date: 05/12/26")) == "2026-05-12"


def test_no_template_fetches_anything_whatever_its_case_or_escapes(tmp_path):
    """A --template-dir whose base.html <style> starts with @IMPORT, an escaped @\\69mport, an
    upper-case @FONT-FACE, HTTP:// in upper case, url(file://…) outside the template folders, a
    <link> stylesheet and pictures: zero connections to a live listener, and (with strace) not even
    an AF_INET socket."""
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}"
        tpl = tmp_path / "tpl"
        tpl.mkdir()
        (tpl / "base.html").write_text(
            '<!doctype html><html><head><meta charset="utf-8"><style>'
            f'@IMPORT url({url}/a.css); @\\69mport url("{url}/b.css"); '
            f'@FONT-FACE {{ font-family: Evil; src: url("{url}/x.woff") }} '
            f'@Font-Face {{ font-family: Evil2; src: url("HTTP://127.0.0.1:{listener.port}/y.woff2") }} '
            f'body {{ font-family: Evil, Evil2; background: url(HtTp://127.0.0.1:{listener.port}/bg.png) }} '
            'h1 { background-image: url(file:///etc/hostname) } '
            f'</style><link rel="stylesheet" href="{url}/link.css"></head><body>'
            f'<h1>plan</h1><img src="{url}/img.png"><img src="FILE:///etc/passwd">'
            f'<object data="{url}/obj.svg"></object></body></html>')
        shutil.copyfile(GOOD, tmp_path / "r.pdf")
        args = ["plan", "r.pdf", "--template-dir", str(tpl)]
        strace = shutil.which("strace")
        trace = tmp_path / "trace.txt"
        if strace:
            cmd = [strace, "-f", "-qq", "-e", "trace=socket,connect", "-o", str(trace), *CLI, *args]
        else:
            cmd = [*CLI, *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=120,
                              env=dict(os.environ, OMP_THREAD_LIMIT="1"))
        assert proc.returncode == 0, proc.stderr
        assert (tmp_path / "r.retake-plan.pdf").read_bytes().startswith(b"%PDF")
        time.sleep(0.3)
        assert listener.connections == 0
        if strace and trace.exists():
            calls = trace.read_text()
            assert "AF_INET" not in calls, calls
    finally:
        listener.close()
