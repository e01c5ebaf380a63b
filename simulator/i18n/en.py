"""English explanations, one per trace event kind (see i18n/__init__.py)."""

CATALOGUE: dict[str, str] = {
    "dns_a": "DNS query for the address (A record) of {qname}: {answer}",
    "dns_mx": "The MTA asks DNS which hosts take mail for the domain (MX record of {qname}): "
              "{answer}.",
    "submit": "The mail client (MUA) hands the message to its provider's MSA on port {port} "
              "after SMTP AUTH; the server now owns it as queue ID {qid}.",
    "cleanup": "cleanup writes queue file {qid}, adding the Received: header (and Message-Id:/"
               "Date: when allowed): the only way into the Postfix queue.",
    "queue_active": "qmgr moves {qid} from the incoming to the active queue and plans its "
                    "delivery.",
    "resolve_smtp": "trivial-rewrite picks the route {route}: the domain is not ours "
                    "(not in mydestination), so the smtp client relays it.",
    "resolve_local": "trivial-rewrite picks local delivery: the domain is in mydestination, "
                     "so local(8), the MDA, delivers it on this host.",
    "relay": "The smtp client connects to MX host {server} on port 25 and transfers the "
             "message; that MTA queues it as {qid}.",
    "deliver_mbox": "local(8), the MDA, appends the message to the mbox file {path}, adding "
                    "Return-Path:, X-Original-To: and Delivered-To:.",
    "deliver_maildir": "local(8), the MDA, writes the message into the Maildir {path} "
                       "(tmp/, then new/).",
    "queue_removed": "Every recipient is done, so qmgr deletes queue file {qid} on {host}.",
    "pop3_fetch": "The mail client logs in to the POP3 server (MRA, port 110), downloads "
                  "{count} message(s) and deletes {deleted} on the server.",
    "connect_failed": "Connecting to {server} failed ({reason}); the next MX host is tried, "
                      "otherwise the message waits in the queue.",
    "event": "Something changes in the world of this lab: {detail}.",
    "typed_smtp": "A person on {src} talks SMTP by hand with {program} to {server} port {port}, "
                  "typing the commands a mail program would send; the server answers as it "
                  "answers any client. {queued} message(s) were queued.",
    "command": "A command typed on {host}: {line}. Its output is what the real program prints.",
    "status_bounced": "The delivery agent gives up on <{rcpt}> for good: {reason}. "
                      "The sender will get a bounce.",
    "status_deferred": "The delivery agent could not deliver to <{rcpt}> now: {reason}. "
                       "The message stays in the queue and is tried again later.",
    "bounce": "Delivery failed for good: bounce(8) sends a non-delivery notification "
              "({qid}) back to <{sender}>.",
    "tls_handshake": "TLS handshake ({how}) on port {port}: client and server agree on "
                     "{version} with {cipher}; it costs {rtts} round trip(s), and everything "
                     "after it, passwords included, travels encrypted.",
    "op25b_block": "OP25B: the ISP's edge router {router} {what} the connection from the "
                   "dynamic address {client} to port {port} of {server}: home PCs may not talk "
                   "SMTP to the Internet directly, only through the provider's MSA (port 587).",
    "submit_refused": "The MSA on port {port} did not take the message (the reply says why); "
                      "the mail client shows the error to its user, so no bounce is needed.",
    "drac_allow": "POP before SMTP (DRAC): after {ip} logged in by POP3, the POP server calls "
                  "dracauth(); rpc.dracd on {host} stores {ip} in {table} until {until}, and "
                  "Postfix's check_client_access lets that address relay.",
    "drac_expire": "rpc.dracd on {host} deletes the expired entry {ip} from {table}: that "
                   "address may no longer relay until it logs in by POP3 again.",
    "deferred": "Delivery failed for now, so qmgr moves {qid} to the deferred queue and waits "
                "{delay} s: the message's age, kept between minimal_backoff_time and "
                "maximal_backoff_time. The deferred-queue scan at {next} tries it again.",
    "retry": "qmgr scans the deferred queue every queue_run_delay; {qid} is due, so it goes "
             "back to the active queue for delivery attempt {attempt}.",
    "expired": "{qid} has waited in the queue longer than maximal_queue_lifetime "
               "(bounce_queue_lifetime for a bounce): qmgr gives up and returns it to the "
               "sender.",
    "restart_requeue": "{host} is running again: its queue manager moves {qid}, left in the "
                       "active queue when the host went down, back to incoming and delivers "
                       "it again. Nothing in the queue is lost.",
    "delay_warning": "The message is still queued after delay_warning_time: bounce(8) sends a "
                     "delay notice ({qid}) to <{sender}>. The mail stays queued and is "
                     "retried.",
    "postmaster_notice": "bounce(8) sends a copy of the problem report ({qid}) to the "
                         "postmaster <{sender}>, as notify_classes asks.",
    "double_bounce_discarded": "A bounce message ({qid}) could not be delivered. Postfix never "
                               "bounces a bounce back to its null sender: it drops it, or "
                               "tells the postmaster when notify_classes includes 2bounce.",
    "queue_hold": "postsuper -h moves {qid} to the hold queue: qmgr will not touch it until "
                  "postsuper -H releases it.",
    "queue_release": "postsuper -H moves {qid} from hold back to the deferred queue; the next "
                     "deferred-queue scan (or postqueue -f) delivers it.",
    "queue_requeue": "postsuper -r sends {qid} through pickup and cleanup again: it becomes a "
                     "new queue file with a new queue ID.",
    "queue_deleted": "postsuper -d deletes queue file {qid}: the message is gone and nobody is "
                     "told.",
    "relay_refused": "The smtp client talks to {server} on port {port}, but that server does not "
                     "take the message (see its reply): a 4xx reply means try again later or "
                     "at the next MX host, a 5xx reply means a bounce.",
    "mbox_lock_wait": "local(8) found {path} locked by {holder} and waited {waited} s "
                      "({attempts} tries, every deliver_lock_delay) before it could lock it with "
                      "{kinds}. Without the lock two programs writing the one mbox file at once "
                      "would interleave their lines or lose a message.",
    "mbox_lock_failed": "local(8) could not lock {path} ({holder} kept it) within "
                        "deliver_lock_attempts tries; the delivery is deferred (4.2.0) and "
                        "retried later rather than risk corrupting the mbox.",
    "maildir_tmp": "local(8) writes the message into {path}, in tmp/ first: a Maildir needs "
                   "no lock, because no reader looks in tmp/.",
    "maildir_cur": "Dovecot takes a new message over: it moves it from new/ to cur/ and adds "
                   "the info suffix ':2,' (flags: {info}). Maildir readers never lock.",
    "maildir_flags": "A flag changed on the server, so Dovecot renames the file: the letters "
                     "after ':2,' are its flags ({info}; S = \\Seen, T = \\Deleted, R = "
                     "\\Answered, F = \\Flagged).",
    "imap_sync": "The mail client logs in to the IMAP server (MRA, port 143) and synchronises "
                 "INBOX: {total} message(s) stay on the server, {seen} of them \\Seen; it "
                 "downloads {count} it did not have. Every device of {user} sees the same "
                 "state.",
    "alias": "local(8) looks up the local part of <{rcpt}> in the compiled alias database "
             "(aliases.db, not the text file /etc/aliases) and delivers to each destination on "
             "the right-hand side instead.",
    "alias_self": "An alias that lists its own name: that copy goes to the user of that name "
                  "instead of through the alias again.",
    "alias_loop": "The aliases keep expanding into each other; past nesting level 100 local(8) "
                  "gives up with 5.4.6 \"alias database loop\".",
    "duplicate": "local(8) remembers what it already did for this recipient and does not make "
                 "the same delivery twice.",
    "loop_detected": "<{rcpt}> is already in a Delivered-To: header: the message has been here "
                     "before, so this is a mail forwarding loop (5.4.6).",
    "requeue": "<{rcpt}> is not delivered in this pass: local(8) hands it back to the queue as "
               "a new message with its own queue ID.",
    "dotforward": "local(8) reads the ~/.forward file of <{rcpt}> and sends the mail to the "
                  "destinations listed there instead of the mailbox.",
    "forward_empty": "A .forward file without addresses means no forwarding: the mail goes to "
                     "the mailbox.",
    "forward_ignored": "local(8) does not trust this .forward (wrong owner, world-writable or "
                       "unreadable): it logs a warning and ignores the file, so the mail goes "
                       "to the mailbox.",
    "include": ":include: reads more destinations from a file; each address from it is "
               "re-queued as a new message.",
    "include_refused": "A missing or unsafe :include: file is a configuration error: unlike a "
                       "bad .forward, it makes the recipient bounce (5.3.5).",
    "deliver_file": "local(8) appends the message, in mbox format, to the file {path} with the "
                    "rights of user {user}.",
    "deliver_command": "local(8) would pipe the message into the command {command} as user "
                       "{user} (the simulation never runs it).",
    "discard": "postmaster and mailer-daemon must have aliases; without one, local(8) "
               "discards the mail with a warning.",
    "local_bounce": "Delivery failed for good ({reason}); the sender gets a bounce.",
    "local_defer": "Delivery failed for now ({reason}); the message stays in the queue and is "
                   "tried again later.",
    "verify": "sendmail -bv: local(8) only reports where the mail would go ({reason}); "
              "nothing is delivered.",
    "forward": "The re-queued addresses become a new message {qid}, with Received: and "
               "Delivered-To: added on top; it is delivered like any other mail.",
    "trace": "The result of sendmail -bv is mailed to <{sender}> as a \"Mail Delivery Status "
             "Report\" ({qid}).",
    "success_notice": "The sender asked for NOTIFY=SUCCESS (RFC 3461): bounce(8) mails a "
                      "\"Successful Mail Delivery Report\" ({qid}) to <{sender}>.",
    "dsn_success": "<{rcpt}> has NOTIFY=SUCCESS: the result goes into the trace log "
                   "for the success report. An alias or .forward reports \"expanded\" and "
                   "passes NOTIFY on without SUCCESS.",
    "bounce_suppressed": "The recipient failed, but its DSN NOTIFY (NEVER, or without FAILURE) "
                         "asks for no non-delivery notice: the mail is logged as bounced and "
                         "the sender is not told.",
    "delay_suppressed": "delay_warning_time has passed, but no delayed recipient has NOTIFY "
                        "with DELAY: no delay warning is sent.",
    "too_many_hops": "The message already carries hopcount_limit ({limit}) Received: headers: "
                     "cleanup refuses it as a probable mail loop (5.4.0 too many hops).",
    "mb2md": "mb2md splits the mbox {source} into one file per message in the Maildir "
             "{dest}: messages the reader had already seen (Status: O) go to cur/ with "
             "their flags after :2, (R read -> S), the others to new/; the mbox stays.",
    "newaliases": "newaliases (postalias) compiles {path} into {db}; only now does local(8) "
                  "see the change.",
    "include_empty": "The :include: file lists no address: this branch ends here, without "
                     "a copy and without a log line.",
    "no_destination": "Every branch of this recipient ended without a destination ({reason}): "
                      "local(8) counts it as done, delivers no copy and logs nothing.",
    "submit_noauth": "The mail client (MUA) hands the message to the server on port {port} "
                     "without SMTP AUTH: the server's relay rules (mynetworks, its own domains, "
                     "a POP-before-SMTP table ...) let this client in; it now owns the message "
                     "as queue ID {qid}.",
    "dotqmail": "qmail-local reads the .qmail file for <{rcpt}> (dot-qmail(5)): each line is "
                "a delivery: ./Maildir/ or ./Mailbox, |command, &address (a forward).",
    "dotqmail_default": "No .qmail file (or an empty one) for <{rcpt}>: qmail-local uses the "
                        "default delivery given to qmail-start, e.g. ./Mailbox.",
    "dotqmail_nothing": "The .qmail file for <{rcpt}> has only comments: qmail-local delivers "
                        "the message nowhere (did 0+0+0), without a bounce.",
}

# The texts of the HTML report (render/html.py): headings, buttons, labels. Placeholders in
# braces are filled by the report's script.
REPORT: dict[str, str] = {
    "report": "mailsim report",
    "language": "Language",
    "message": "Message",
    "network": "The network",
    "network_note": "Red: the links and hosts the selected message crossed. Orange: the hop "
                    "shown now. Numbers are one-way latencies.",
    "sequence": "The hops, as a sequence diagram",
    "sequence_note": "Each row is one hop, from the lane of the program that acted to the "
                     "lane of the one it handed the message to. Press Play or Step to follow "
                     "the message; click a hop to see its dialogue and its headers.",
    "play": "Play",
    "pause": "Pause",
    "step": "Step",
    "back": "Back",
    "all": "Show all",
    "restart": "Start again",
    "hop_of": "hop {n} of {total}",
    "no_hops": "This message has no hops in this run.",
    "hop": "The hop",
    "pick_hop": "Click a hop in the diagram, or press Step.",
    "time": "Time",
    "from": "From",
    "to": "To",
    "protocol": "Protocol",
    "action": "What happened",
    "queue_id": "Queue ID",
    "reply": "Reply",
    "detail": "Detail",
    "explanation": "Explanation",
    "transcript": "Transcript",
    "transcript_of": "{proto} {client} → {server}:{port}, connected at {clock}",
    "transcript_note": "C: the client, S: the server; C~ and S~ travelled encrypted (TLS).",
    "no_transcript": "No network dialogue in this hop: a step inside one host, or a DNS query.",
    "headers": "Message headers at this point",
    "no_headers": "No copy of this message's headers was seen up to this hop.",
    "headers_data": "As sent after DATA in the {proto} session {client} → {server}:{port} at "
                    "{clock}.",
    "headers_later": "This message was posted on the host itself, so no copy of it was seen "
                      "before this hop; here is the first copy seen later:",
    "headers_mailbox": "As stored in {host}:{path} at the end of the run (local(8) added "
                       "Return-Path:, X-Original-To: and Delivered-To:).",
    "headers_retrieved": "As the mail client retrieved it by {proto} from {server} at {clock}.",
    "outcomes": "Outcomes",
    "recipient": "Recipient",
    "status": "Status",
    "host": "Host",
    "where": "Where / why",
    "status_delivered": "delivered",
    "status_bounced": "bounced",
    "status_queued": "still queued",
    "status_rejected": "rejected",
    "status_deleted": "deleted",
    "unused_lane": "not on this path",
    "role_MUA": "MUA: the mail client",
    "role_MSA": "MSA: the submission server",
    "role_MTA": "MTA: the transfer agent",
    "role_DNS": "DNS: the name service",
    "role_MDA": "MDA: local delivery",
    "role_MRA": "MRA: POP3/IMAP server",
    "generated": "Scenario {name}, seed {seed}; simulated until {clock}.",
    "summary": "Run summary",
    "sum_delivered": "recipients delivered",
    "sum_bounced": "recipients bounced",
    "sum_deferred": "recipients deferred at least once",
    "sum_queued": "recipients still queued",
    "sum_rejected": "recipients rejected at submission",
    "sum_deleted": "recipients deleted (postsuper -d)",
    "sum_peak": "most recipients queued at once",
    "sum_queue": "Recipients in a queue over simulated time",
    "sum_kept": "This run kept only outcomes and statistics (--trace summary): no hops, "
                "dialogues or maillog, and no bytes of delivered mail in the mailboxes.",
    "sum_kept_mail": "This run kept only outcomes and statistics (--trace summary): no hops, "
                     "dialogues or maillog. The mailboxes were kept, since this scenario "
                     "reads or expects them.",
}
