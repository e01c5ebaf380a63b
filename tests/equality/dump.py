"""Everything a student can see of a lab's run, as named byte strings (the equality harness).

``dump(path)`` runs one lab as ``mailsim run`` does and returns every view (hop table, tree,
timeline, transcript, log, outcomes, queue, checks, in en and ja), the JSON export, the HTML
report, every file of every host's filesystem with its owner and mode, every maillog, every
command's output and the raw trace records. Changes to how the trace is stored or rendered
(issue 12) must keep all of it exactly equal.

A refactoring guard, not a test: take a baseline before the change, check after it.

    .venv/bin/python tests/equality/dump.py --write /tmp/base.json  # digests of every lab
    .venv/bin/python tests/equality/dump.py --check /tmp/base.json  # labs and keys that differ
    .venv/bin/python tests/equality/dump.py --diff DIR  # full texts below DIR, to diff two trees

The internal records (``trace/...``) are dumped for --diff but left out of the digests: the
redesign changes how facts are stored, never what a student sees.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABS = sorted((ROOT / "scenarios").glob("*.yaml"))
WIDTH = 120


def _printed(items: list, width: int = WIDTH, soft_wrap: bool = False) -> bytes:  # type: ignore[type-arg]
    from rich.console import Console

    out = io.StringIO()
    console = Console(file=out, width=width, highlight=False, soft_wrap=False,
                      color_system=None, force_terminal=False)
    for item in items:
        console.print(item, soft_wrap=soft_wrap)
    return out.getvalue().encode()


def _views(world, lang: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    from simulator.expect import check
    from simulator.render import console as render
    from simulator.render.records import jsonl
    from simulator.render.timeline import messages
    from simulator.render.tree import message_tree

    keys = messages(world)
    return {
        f"view/hops/{lang}": _printed([render.hop_table(world, lang)]),
        f"view/tree/{lang}": _printed([message_tree(world, k, lang) for k in keys]),
        f"view/timeline/{lang}": _printed([render.timeline_table(world, k, lang) for k in keys]),
        f"view/outcomes/{lang}": _printed(render.outcome_lines(world, lang)),
        f"view/queue/{lang}": _printed(render.queue_lines(world, lang), soft_wrap=True),
        f"view/checks/{lang}": _printed(render.check_lines(check(world), lang)),
        f"json/{lang}": "\n".join(jsonl(world, lang)).encode(),
    }


def _html(world) -> bytes:  # type: ignore[no-untyped-def]
    from simulator.render.html import write_report

    with tempfile.TemporaryDirectory() as tmp:
        return write_report(world, Path(tmp) / "report.html", "en").read_bytes()


def _records(world) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    trace = world.trace
    out = {
        "trace/hops": "\n".join(repr(tuple(h)) for h in trace.hops).encode(),
        "trace/sessions": "\n".join(repr((s.sid, s.proto, s.port, s.client_host,
                                          s.server_host, s.start, list(s.lines),
                                          s.encrypted_from)) for s in trace.sessions).encode(),
        "trace/outcomes": "\n".join(repr(o) for o in trace.outcomes.values()).encode(),
        "trace/logs": "\n".join(repr((x.t, x.host, x.line)) for x in trace.logs).encode(),
        "trace/fetches": "\n".join(repr(f) for f in trace.fetches).encode(),
        "trace/commands": "\n".join(repr(c) for c in trace.commands).encode(),
    }
    for host in world.hosts.values():
        out[f"maillog/{host.name}"] = host.maillog().encode()
        for path in sorted(host.fs.files):
            f = host.fs.files[path]
            out[f"fs/{host.name}{path}"] = (f"{f.owner} {f.mode:o}\n".encode() + bytes(f.data))
    return out


def dump(lab: Path, detailed: bool | None = None) -> dict[str, bytes]:
    """Every observable of one lab's run (as ``mailsim run LAB`` builds and runs it);
    ``detailed=True``: with local(8)'s fast path off (MAILSIM_DETAILED)."""
    from simulator.render import console as render
    from simulator.scenario import load_scenario

    world = load_scenario(lab).build(detailed=detailed).run()
    out = {"view/transcript": _printed(render.transcript_lines(world), soft_wrap=True),
           "view/log": _printed(render.log_lines(world), soft_wrap=True),
           "html/en": _html(world)}
    for lang in ("en", "ja"):
        out |= _views(world, lang)
    return out | _records(world)


def digests(lab: Path) -> dict[str, str]:
    """Short hashes of what a student can see (views, exports, files, maillogs)."""
    return {k: hashlib.sha256(v).hexdigest()[:20] for k, v in sorted(dump(lab).items())
            if not k.startswith("trace/")}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--write"] and len(argv) == 2:
        snap = {lab.stem: digests(lab) for lab in LABS}
        Path(argv[1]).write_text(json.dumps(snap, indent=0, sort_keys=True) + "\n")
    elif argv[:1] == ["--check"] and len(argv) == 2:
        base = json.loads(Path(argv[1]).read_text())
        bad = 0
        for lab in LABS:
            now, was = digests(lab), base.get(lab.stem, {})
            keys = sorted(k for k in now.keys() | was.keys() if now.get(k) != was.get(k))
            bad += bool(keys)
            print(f"{lab.stem}: {'same' if not keys else 'DIFFERS ' + ' '.join(keys)}")
        raise SystemExit(1 if bad else 0)
    elif argv[:1] == ["--diff"]:
        root = Path(argv[1])
        for lab in LABS:
            for key, data in dump(lab).items():
                target = root / lab.stem / key.replace("/", "__")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
