"""The exam concepts mailsim teaches (LPIC-1 102 objective 108.3, LinuC-1 102 topic 1.09.3).

One table, used three ways: a lab names the concepts it demonstrates in its top-level
``concepts:`` list, a question names what it drills in its ``tags:`` list, and the coverage
table (docs/) and the quiz's ``--topic`` are computed from both. An id that is not in this
table is a scenario error, so a typo never silently drops a lab out of the coverage.
"""

from __future__ import annotations

from typing import NamedTuple


class Concept(NamedTuple):
    id: str
    en: str
    ja: str
    objective: str  # where the exam lists it


_OBJ = "LPIC-1 108.3 / LinuC-1 1.09.3"

CONCEPTS: dict[str, Concept] = {c.id: c for c in (
    Concept("roles", "The five roles: MUA, MSA, MTA, MDA (LDA), MRA",
            "5 つの役割: MUA・MSA・MTA・MDA (LDA)・MRA", _OBJ),
    Concept("ports", "Protocols and ports: SMTP 25/587/465, POP3 110/995, IMAP 143/993",
            "プロトコルとポート番号: SMTP 25/587/465、POP3 110/995、IMAP 143/993", _OBJ),
    Concept("emulation", "The sendmail emulation layer: sendmail, mailq, newaliases",
            "sendmail エミュレーション層: sendmail・mailq・newaliases", _OBJ),
    Concept("mta-programs", "MTA programs: Postfix, Sendmail, Exim, qmail",
            "MTA ソフトウェア: Postfix・Sendmail・Exim・qmail", _OBJ),
    Concept("mta-service", "Starting, stopping and checking the MTA",
            "MTA の起動・停止・状態確認", _OBJ),
    Concept("dns-mx", "DNS MX records and how an MTA picks the next hop",
            "DNS の MX レコードと配送先の選び方", _OBJ),
    Concept("headers", "Message headers: Received:, Return-Path:, Message-ID:",
            "メールヘッダー: Received:・Return-Path:・Message-ID:", _OBJ),
    Concept("pop3-imap", "POP3 vs IMAP", "POP3 と IMAP の違い", _OBJ),
    Concept("mbox", "The mbox format", "mbox 形式", _OBJ),
    Concept("maildir", "The Maildir format (tmp, new, cur)", "Maildir 形式 (tmp・new・cur)", _OBJ),
    Concept("conversion", "Converting mbox to Maildir", "mbox から Maildir への変換", _OBJ),
    Concept("default-aliases", "Default aliases: postmaster, root, MAILER-DAEMON",
            "既定のエイリアス: postmaster・root・MAILER-DAEMON", _OBJ),
    Concept("aliases", "/etc/aliases and newaliases", "/etc/aliases と newaliases", _OBJ),
    Concept("backslash-user", "\\user in ~/.forward (shown as ¥user with Japanese fonts)",
            "~/.forward の \\user (日本語フォントでは ¥user と表示)", _OBJ),
    Concept("forward", "~/.forward: forwarding a user's mail", "~/.forward によるメールの転送", _OBJ),
    Concept("forward-permissions", "~/.forward ownership and permissions",
            "~/.forward の所有者とパーミッション", _OBJ),
    Concept("queue", "The mail queue and its directories", "メールキューとそのディレクトリ", _OBJ),
    Concept("flush", "Flushing the queue by hand: postqueue -f, sendmail -q",
            "キューの手動再送: postqueue -f・sendmail -q", _OBJ),
    Concept("bounce", "Bounces and delivery status notifications",
            "バウンスと配送状態通知 (DSN)", _OBJ),
    Concept("mail-command", "Sending with mail -s and reading with mail",
            "mail -s による送信と mail による読み出し", _OBJ),
    Concept("relay", "Own domain vs relay: relay control and open relays",
            "自ドメイン宛てと中継: 中継制限とオープンリレー", _OBJ),
    Concept("submission", "Submission: port 587, SMTP AUTH, OP25B",
            "サブミッション: 587 番ポート・SMTP 認証・OP25B", _OBJ),
    Concept("sendmail", "Sendmail: sendmail.cf, m4, /var/spool/mqueue",
            "Sendmail: sendmail.cf・m4・/var/spool/mqueue", _OBJ),
    Concept("exim", "Exim", "Exim", _OBJ),
    Concept("qmail", "qmail", "qmail", _OBJ),
)}


def unknown(ids: list[str]) -> list[str]:
    """The ids in ``ids`` that name no concept."""
    return [i for i in ids if i not in CONCEPTS]
