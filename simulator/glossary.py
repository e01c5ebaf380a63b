"""The glossary: each term of 108.3 / 1.09.3 in English and Japanese, explained in both.

Japanese texts use one word, 転送, for two different things: an MTA relaying mail to the
next MTA (transfer, relay) and a user's ~/.forward sending it on (forward). And a Japanese
font shows the backslash as ¥, so a textbook's ¥user is \\user. Both get their own entries.
"""

from __future__ import annotations

from typing import NamedTuple


class Term(NamedTuple):
    en: str
    ja: str
    en_text: str
    ja_text: str


TERMS: tuple[Term, ...] = (
    Term("MUA (Mail User Agent)", "メールユーザーエージェント (MUA、メールソフト)",
         "The program a user reads and writes mail with: Thunderbird, mail, mutt.",
         "利用者がメールを読み書きするプログラム: Thunderbird・mail・mutt など。"),
    Term("MSA (Mail Submission Agent)", "メール投稿エージェント (MSA)",
         "Takes mail from a user's MUA, on port 587 (or 465) with SMTP AUTH; Postfix's "
         "smtpd in the submission service.",
         "MUA からメールを受け取るサーバー。587 番 (または 465 番) で SMTP 認証を使う。Postfix では "
         "submission サービスの smtpd。"),
    Term("MTA (Mail Transfer Agent)", "メール転送エージェント (MTA)",
         "Transfers mail between servers by SMTP on port 25, queues and retries it: Postfix, "
         "Sendmail, Exim, qmail.",
         "SMTP (25 番) でサーバー間にメールを転送し、キューに置いて再送する: Postfix・Sendmail・"
         "Exim・qmail。"),
    Term("MDA / LDA (Mail / Local Delivery Agent)", "メール配送エージェント (MDA、LDA)",
         "Puts the mail into the user's mailbox: Postfix's local(8), procmail.",
         "メールを利用者のメールボックスに入れる: Postfix の local(8)・procmail など。"),
    Term("MRA (Mail Retrieval Agent)", "メール取得エージェント (MRA)",
         "Serves the mailbox to the MUA by POP3 or IMAP: Dovecot. A different program from "
         "the SMTP server, often on the same host; it must support the mailbox format.",
         "POP3 や IMAP でメールボックスを MUA に渡す: Dovecot など。SMTP サーバーとは別のプログラムで、"
         "同じホストで動くことが多い。メールボックスの形式に対応している必要がある。"),
    Term("relay (transfer between MTAs)", "転送 (MTA 間の中継)",
         "An MTA passing mail on to the next MTA by SMTP; relaying for strangers to other "
         "domains is an open relay.",
         "MTA が SMTP で次の MTA にメールを渡すこと。見知らぬ相手のために他ドメインへ中継するのが"
         "オープンリレー。"),
    Term("forward (~/.forward)", "転送 (~/.forward による転送)",
         "A user sending their own mail on to other addresses with ~/.forward; local(8) "
         "re-queues it. Same Japanese word as relay, a different thing.",
         "利用者が ~/.forward で自分宛てのメールを別のアドレスへ送ること。local(8) がキューに戻す。"
         "中継と同じ「転送」という言葉だが別物。"),
    Term("\\ (backslash), shown as ¥", "¥ (円記号に見えるバックスラッシュ)",
         "Japanese fonts draw the backslash (0x5C) as ¥: ¥user in a textbook is \\user in "
         "~/.forward, delivery to the user's own mailbox without forwarding again.",
         "日本語フォントではバックスラッシュ (0x5C) が ¥ に見える。教科書の ¥user は ~/.forward の "
         "\\user で、再び転送せずに本人のメールボックスへ配送する意味。"),
    Term("alias (/etc/aliases)", "エイリアス (別名、/etc/aliases)",
         "A local name that stands for other destinations; newaliases compiles the file.",
         "ほかの宛先を表すローカルな名前。newaliases でファイルをデータベースに変換する。"),
    Term("mailbox: mbox, Maildir", "メールボックス: mbox 形式・Maildir 形式",
         "mbox: all mail in one file (/var/spool/mail/USER), \"From \" lines between "
         "messages, needs locks. Maildir: one file per message in tmp/, new/, cur/.",
         "mbox: 1つのファイル (/var/spool/mail/USER) にすべてのメールを入れ、\"From \" 行で区切る。"
         "ロックが必要。Maildir: tmp/・new/・cur/ に1通1ファイル。"),
    Term("queue (mail queue)", "キュー (メールキュー)",
         "Where an MTA keeps mail it has not delivered yet: /var/spool/postfix (incoming, "
         "active, deferred, hold), /var/spool/mqueue for Sendmail; mailq lists it.",
         "MTA がまだ配送していないメールを置く場所: /var/spool/postfix (incoming・active・deferred・"
         "hold)、Sendmail は /var/spool/mqueue。mailq で一覧表示。"),
    Term("flush", "再送 (キューのフラッシュ)",
         "Delivering every queued message now: postqueue -f or sendmail -q.",
         "キューのメールを今すぐ配送し直すこと: postqueue -f または sendmail -q。"),
    Term("bounce (non-delivery notice)", "バウンス (配送不能通知、エラーメール)",
         "The message an MTA sends back to the envelope sender when delivery fails for good.",
         "配送が最終的に失敗したとき、MTA がエンベロープ送信者に返すメール。"),
    Term("MX record", "MX レコード",
         "The DNS record naming the hosts that take mail for a domain; lower preference "
         "first.",
         "ドメイン宛てのメールを受け取るホストを示す DNS レコード。優先度の数値が小さいほうが先。"),
    Term("sendmail emulation layer", "sendmail エミュレーション層",
         "Postfix, Exim and qmail install their own /usr/sbin/sendmail, mailq and "
         "newaliases, so programs written for Sendmail keep working.",
         "Postfix・Exim・qmail は独自の /usr/sbin/sendmail・mailq・newaliases を入れ、Sendmail "
         "向けのプログラムがそのまま動くようにする。"),
    Term("SMTP / POP3 / IMAP ports", "SMTP・POP3・IMAP のポート番号",
         "SMTP 25 (MTA to MTA), 587 (submission), 465 (submission over TLS); POP3 110, "
         "POP3S 995; IMAP 143, IMAPS 993.",
         "SMTP は 25 番 (MTA 間)・587 番 (サブミッション)・465 番 (TLS 付きサブミッション)。POP3 は "
         "110 番、POP3S は 995 番。IMAP は 143 番、IMAPS は 993 番。"),
    Term("envelope", "エンベロープ (封筒)",
         "MAIL FROM and RCPT TO of the SMTP dialogue: where the mail really goes, and where "
         "bounces go; not the From:/To: headers.",
         "SMTP の MAIL FROM と RCPT TO。実際の配送先とバウンスの返送先で、From:/To: ヘッダーとは別。"),
)


def lines(lang: str) -> list[str]:
    """The glossary as text: each term in both languages, explained in ``lang``."""
    from .i18n import ui

    out = [ui("glossary.title", lang), ""]
    for t in TERMS:
        out.append(f"{t.ja}  —  {t.en}" if lang == "ja" else f"{t.en}  —  {t.ja}")
        out.append(f"    {t.ja_text if lang == 'ja' else t.en_text}")
    return out
