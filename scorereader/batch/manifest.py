"""The batch manifest (`OUTDIR/.scorereader-manifest.json`): what was already done, keyed by content.

- `parses`: input sha256 → the parse outcome (the report JSON, or the error) under `options`
  (baseline, OCR mode, scorereader version). A failure that may be transient (time limit, crash) is
  not kept, so the next run tries again.
- `plans`: input (relative path) → the key its plan PDF was made with (the input's hash, the options
  and the hashes of the candidate's earlier attempts) and the output's relative path.
- `cohort`: the key of the data the cohort PDF was made from.

An input is skipped when its key matches and its output still exists; `--force` ignores the manifest.

Each result is also appended, as it arrives, to a journal (`.scorereader-manifest.journal`, one JSON
line per record, flushed): a batch killed with SIGKILL or by the OOM killer resumes from there
instead of redoing every file. `save()` folds the journal into the manifest and removes it.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..render.atomic import atomic_write

NAME = ".scorereader-manifest.json"
JOURNAL = ".scorereader-manifest.journal"
VERSION = 1


def digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


class Manifest:
    def __init__(self, outdir: Path, data: dict[str, Any] | None = None) -> None:
        self.path = Path(outdir) / NAME
        data = data if isinstance(data, dict) and data.get("schema_version") == VERSION else {}
        self.parses: dict[str, dict[str, Any]] = dict(data.get("parses") or {})
        self.plans: dict[str, dict[str, Any]] = dict(data.get("plans") or {})
        self.cohort: dict[str, Any] = dict(data.get("cohort") or {})
        self.journal_path = Path(outdir) / JOURNAL
        self._journal = None

    @classmethod
    def load(cls, outdir: Path, *, ignore: bool = False) -> "Manifest":
        path = Path(outdir) / NAME
        if ignore:
            return cls(outdir)
        try:
            manifest = cls(outdir, json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None)
        except (OSError, ValueError):
            manifest = cls(outdir)  # unreadable or corrupt: start afresh (everything is redone)
        manifest._replay()
        return manifest

    def _replay(self) -> None:
        """Apply the journal a killed run left (a torn last line is ignored)."""
        try:
            lines = self.journal_path.read_text(encoding="utf-8").splitlines()
        except (OSError, ValueError):
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("version") == VERSION:
                self.parses.update(entry.get("parses") or {})
                self.plans.update(entry.get("plans") or {})

    def _append(self, entry: dict[str, Any]) -> None:
        try:
            if self._journal is None:
                self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115 - kept open
            self._journal.write(json.dumps({"version": VERSION, **entry}, ensure_ascii=False) + "\n")
            self._journal.flush()
        except OSError:
            pass  # the journal only speeds up a rerun

    # ---- parses
    def cached_parse(self, sha: str, options_key: str) -> dict[str, Any] | None:
        hit = self.parses.get(sha)
        if hit and hit.get("options") == options_key:
            return hit
        return None

    def record_parse(self, sha: str, options_key: str, *, report: dict[str, Any] | None = None,
                     error: str | None = None, exit_code: int | None = None) -> None:
        if report is None and exit_code is None:
            self.parses.pop(sha, None)  # timeout / crash: try again next time
            return
        self.parses[sha] = {"options": options_key, "ok": report is not None, "report": report,
                            "error": error, "exit_code": exit_code}
        self._append({"parses": {sha: self.parses[sha]}})

    # ---- plans
    def plan_up_to_date(self, rel: str, key: str, outdir: Path) -> dict[str, Any] | None:
        hit = self.plans.get(rel)
        if hit and hit.get("key") == key and (Path(outdir) / hit.get("out", "")).is_file():
            return hit
        return None

    def record_plan(self, rel: str, key: str, out_rel: str, info: dict[str, Any]) -> None:
        self.plans[rel] = {"key": key, "out": out_rel, **{k: v for k, v in info.items() if k != "out"}}
        self._append({"plans": {rel: self.plans[rel]}})

    # ---- save
    def prune(self, shas: set[str], rels: set[str]) -> None:
        self.parses = {k: v for k, v in self.parses.items() if k in shas}
        self.plans = {k: v for k, v in self.plans.items() if k in rels}

    def save(self) -> None:
        data = {"schema_version": VERSION, "parses": self.parses, "plans": self.plans, "cohort": self.cohort}
        atomic_write(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        try:
            self.journal_path.unlink()
        except OSError:
            pass
