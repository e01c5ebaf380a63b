"""English texts of mailsim's own interface, by key (see i18n.ui); ui_ja.py has the same keys."""

UI: dict[str, str] = {
    # quiz
    "quiz.seed": "Questions: {count}. Seed {seed} (repeat this run with --seed {seed}).",
    "quiz.prompt": "Your answer (1-{n})",
    "quiz.again": "Please type a number from 1 to {n}.",
    "quiz.right": "Correct.",
    "quiz.wrong": "Not quite: the answer is {n}.",
    "quiz.why_not": "Why not {n}: {why}",
    "quiz.why": "Why {n}: {why}",
    "quiz.running": "Score so far: {right}/{asked}",
    "quiz.stopped": "Stopped after {asked} of {total} question(s).",
    "quiz.score": "score: {right}/{asked}",
    "quiz.review": "To review (the lab shows it step by step):",
    "quiz.review_answer": "answer: {answer}",
    "quiz.review_lab": "lab: {command}",
    "quiz.none": "no questions found",
    "quiz.none_topic": "no questions found for topic {topic!r} (topics: {topics}; or part of a "
                       "lab's name, or an objective such as 108.3)",
    # glossary
    "glossary.title": "Glossary of mail terms (English — Japanese)",
    # outcome lines, fetch lines, checks, queue and tree titles (render/console.py, tree.py)
    "out.for": ", for {orig}",
    "status.delivered": "delivered",
    "status.bounced": "bounced",
    "status.queued": "queued",
    "status.rejected": "rejected",
    "status.deleted": "deleted",
    "out.delivered": " to {host}:{where} at {t} after {hops} hops",
    "out.other": " at {t} on {host}: {where}",
    "out.next_try": "; next try at {t}",
    "fetch.ok": "ok",
    "fetch.failed": "failed: {error}",
    "fetch.line": "{client}: {user} fetched {n} message(s) by {proto} from {server} at {t} into "
                  "{saved} ({state})",
    "check.summary": "expectations: {met}/{total} met",
    "queue.title": "── {host}: mailq ──",
    "tree.queue": "{host} queue {qid}",
    # errors and messages of the mailsim command (cli.py)
    "err.scenario": "{error}",
    "err.msg": "--msg: no message {msg!r} in this run (messages: {known})",
    "err.none": "none",
    "err.until": "--until: {error} (got {value!r})",
    "err.export": "--export {dir}: {error}",
    "err.export_os": "--export {dir}: cannot write there: {error}",
    "export.done": "exported {n} file(s) under {dir}",
    "err.html_os": "--html {path}: cannot write there: {error}",
    "html.done": "wrote {path}",
    "check.file": "{path}: {met}/{total} expectations met",
    "coverage.done": "wrote {path}",
    # --help summaries (MAILSIM_LANG=ja mailsim --help)
    "help.app": "mailsim: watch an e-mail travel MUA → MSA → MTA → MDA → MRA, hop by hop.",
    "help.run": "Run a scenario and show every hop of every message, then each recipient's "
                "outcome.",
    "help.check": "Run scenarios and check their expect: sections; exit 1 if any expectation "
                  "is unmet.",
    "help.validate": "Check scenario files without running them.",
    "help.quiz": "Exam drill: the labs' questions with shuffled choices; type the number of "
                 "your answer.",
    "help.coverage": "Write the coverage table (concept, objective, labs, questions) from the "
                     "shipped labs.",
    "help.glossary": "The terms of mail in English and Japanese (MTA = メール転送エージェント, "
                     "¥ = \\ ...).",
    "help.sweep": "Run a scenario for many seeds and settings (on Dask) and compare the "
                  "outcomes.",
    "err.sweep_write": "cannot write the results: {error}",
    "err.sweep_interrupted": "interrupted: the sweep's cluster is closed, nothing was written",
    "help.generate": "Write a large workload as a scenario file: an ISP's day of mail "
                     "(users over domains, day-shaped arrivals, unknown users, an MX outage).",
    "err.generate": "cannot generate the scenario: {error}",
    "gen.messages": "--messages: expected at least 1 (got {got})",
    "gen.domains": "--domains: expected 1 to 99 (got {got})",
    "gen.users": "--users: expected at least one user per domain ({domains}), got {got}",
    "gen.unknown": "--unknown: expected a share from 0 to 1 (got {got})",
    "gen.greylist": "--greylist: expected 0 or more (got {got})",
    "gen.greylist_domains": "--greylist: needs at least 2 domains (mx.d02 greylists)",
    "gen.outage_form": "--outage: expected a window like 10:00-12:00 (got {got})",
    "gen.outage_order": "--outage: expected the end after the start (got {got})",
    "generate.done": "wrote {path}: {messages} messages",
    "help.shell": "A shell on a simulated host: run its commands (mailq, mail, newaliases ...) "
                  "and move the clock yourself (step, run 5m, status, events).",
    # sweeps (render/sweep.py, sweep_plot.py)
    "sweep.title": "Sweep: {runs} run(s) of {scenario}, {settings}",
    "sweep.all": "as written",
    "sweep.progress": "runs",
    "sweep.failed": "run {index} failed (seed {seed}{settings}): {error}",
    "sweep.none": "no run finished",
    "sweep.settings": "{n} setting combination(s)",
    "sweep.col.runs": "runs",
    "sweep.col.delivered": "delivered (mean per run)",
    "sweep.col.bounced": "bounced (mean)",
    "sweep.col.queued": "still queued (mean)",
    "sweep.col.delay_p50": "delay p50 (median of runs)",
    "sweep.col.delay_p90": "delay p90 (median of runs)",
    "sweep.col.delay_max": "delay max (worst run)",
    "sweep.col.retries": "retries (mean)",
    "sweep.col.bounces": "bounce notices (mean)",
    "sweep.col.peak_queue": "peak queue (worst run)",
    "sweep.col.sim_time": "simulated time (mean)",
    "sweep.plot.delay": "Delivery delay per run (median recipient), minutes",
    "sweep.plot.retries": "Delivery retries per run",
    "sweep.plot.title": "{n} run(s) of {scenario}",
    # mailsim run --step / --follow (render/playback.py, render/progress.py)
    "play.prompt": "Enter: next hop, q: stop ",
    "play.stopped": "Playback stopped after {n} hop(s), at {t}.",
    "err.play_both": "--step and --follow: choose one of them",
    "err.play_json": "--json prints the whole run at once: not with --step or --follow",
    "err.play_view": "--step and --follow show the hops one by one, as the compact view does: "
                     "use --view hops or --view compact (got --view {view})",
    "progress.clock": "simulated time {t}",
    "progress.total": "of {t}",
    "trace.not_kept.compact": "{what}: not kept, this run used --trace {level} (every hop and "
                      "outcome, but no SMTP/POP3/IMAP dialogues and no maillog lines); run "
                      "again with --trace full (the default) to see them.",
    "trace.not_kept.summary": "{what}: not kept, this run used --trace summary (outcomes "
                              "and run statistics only: no hops, no dialogues, no maillog "
                              "lines); run again with --trace full "
                              "(the default) to see them.",
    "trace.what.transcript": "the dialogues",
    "trace.what.log": "/var/log/maillog",
    "trace.what.export": "--export: the maillog files",
    "trace.what.html": "--html: the dialogues of the report",
    "trace.what.checks": "the expectations on server replies and maillog lines (not checked)",
    "trace.what.checks_summary": "the expectations on server replies, maillog lines and "
                                 "trace steps (not checked)",
    "err.summary_hops": "{option} shows hops, and --trace summary keeps none: use --trace "
                        "full or compact with {option}",
    "err.play_trace": "--step and --follow keep the full trace: not with --trace {trace}",
    # the summary view (render/summary.py)
    "sum.title": "Run summary: {n} message(s) (trace: {trace})",
    "sum.delivered": "recipients delivered",
    "sum.bounced": "recipients bounced",
    "sum.deferred": "recipients deferred at least once",
    "sum.queued": "recipients still queued",
    "sum.rejected": "recipients rejected at submission",
    "sum.deleted": "recipients deleted (postsuper -d)",
    "sum.delay": "delay to delivery ({n})",
    "sum.peak": "most recipients queued at once",
    "sum.queue": "queue size over time",
    "sum.kept": "--trace summary: no hops, dialogues or maillog were kept, and delivered "
                "mail's bytes are not in the mailboxes (their sizes were counted).",
    "html.dropped": "The outcomes of recipients that had finished (delivered, bounced, "
                    "rejected, deleted) were counted, then not kept (--trace summary on a "
                    "workload): the outcomes below are only those still kept. mailsim run "
                    "--html keeps them all.",
    "trace.dropped": "{n} outcomes of finished recipients (delivered, bounced, rejected, "
                     "deleted) were counted, then not kept (--trace summary); --json or "
                     "--html keeps every one.",
    "sum.kept_mail": "--trace summary: no hops, dialogues or maillog were kept; the "
                     "mailboxes were, since this scenario reads or expects them.",
}
