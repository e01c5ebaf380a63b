"""日本語の語句表: 詳細欄・検証行・結果行・タイムラインにある mailsim 自身の英語の言い回しを
日本語に置き換える (i18n.phrases を参照)。

サーバーが出力するもの (SMTP の応答・Postfix の状態テキスト・アドレス・パス・パラメーター名) は
そのまま残す。各行は (正規表現, 置換) で、上から順に適用する。長い言い回しを先に置く。
"""

from __future__ import annotations

import re

# the texts of expect.py's checks
_CHECKS: tuple[tuple[str, str], ...] = (
    # --- checks (expect.py) ---------------------------------------------------------------
    (r"\(got no outcome at all\)", "(結果がありません)"),
    (r" printed what was expected", " の出力は期待どおり"),
    (r"\(got: it never ran\)", "(実行されませんでした)"),
    (r"\(in order\) in ", "(この順で) が次の出力にない: "),
    (r"\bexit status (\d+)", r"終了ステータス \1"),
    (r"^a server replied ", "サーバーの応答に次がある: "),
    (r"^maillog has ", "maillog に次がある: "),
    (r" holds (\d+) message\(s\)", r" のメールは \1 通"),
    (r"\bfetched (\d+) message\(s\) by (\S+) from (\S+) at (\S+) into ",
     r"が \4 に \3 から \2 で \1 通を取得し保存: "),
    (r"\bfetched (\d+) message\(s\)", r"が \1 通を取得"),
    (r", then saw (\d+) marked \\Seen on the server", r"、その後サーバー上で \1 通が \\Seen"),
    (r", (\d+) marked read", r"、既読 \1 通"),
    (r", (\d+) in new/", r"、new/ に \1 通"),
    (r" showing ", "、内容に次を含む: "),
    (r"\bno message has ", "どのメールにもない: "),
    (r"\bmessage (\d+) lacks ", r"\1 通目にないヘッダー: "),
    (r"\bmessage (\d+) has ", r"\1 通目のヘッダー "),
    (r"(\d+) messages\b", r"\1 通"),
    (r"^a (\w+) step for (\S+)", r"\2 の \1 の段階がある"),
    (r"^(\d+) (\w+) step\(s\) for (\S+)", r"\3 の \2 の段階が \1 回"),
    (r"^a (\w+) step", r"\1 の段階がある"),
    (r"^(\d+) (\w+) step\(s\)", r"\2 の段階が \1 回"),
    (r" on (\S+)", r"、ホスト \1"),
    (r" from (\S+)", r"、送り手 \1"),
    (r" port (\d+)", r"、ポート \1"),
    (r" with ((?:[\w-]+, )*[\w-]+)", r"、ヘッダー \1"),
    (r" \(got none\)", " (ありません)"),
    (r" to program (\S+)", r"、受け手のプログラム \1"),
    (r" to ((?:[\w-]+\.)+[\w-]+)(?=[, 、]|$)", r"、受け手 \1"),
    (r" by (MUA|smtpd|smtp|local|pop3d|imapd|dovecot|qmgr|cleanup)\b", r"、送り手のプログラム \1"),
    (r" replying ", "、応答 "),
    (r"\(got (\d+)\)", r"(実際は \1)"),
    (r"\(got ", "(実際は "),
    (r"\bstatus (delivered|bounced|queued|rejected|deleted)\b", r"状態 \1"),
    (r"\boriginal recipient ", "元の宛先 "),
    (r" \((\w+)\) for ", r" (\1) 元の宛先 "),
    (r"(\S+): (delivered|bounced|queued|rejected|deleted) in (\S+)", r"\1: \3 に \2"),
    # --- outcome and status words ---------------------------------------------------------
    (r"^delivered$", "配送済み"),
    (r"(?<![=\w])delivered\b(?!\))", "配送済み"),
    (r"(?<![=\w])bounced\b", "バウンス"),
    (r"(?<![=\w/])queued\b(?! as)", "キューで待機"),
    (r"(?<![=\w])rejected\b(?! at| \()", "拒否"),
    (r"(?<![=\w])deleted\b", "削除"),
)

# hop details (the agents' words), outcome reasons and timeline cells
_DETAILS: tuple[tuple[str, str], ...] = (
    # --- timeline (render/timeline.py) ----------------------------------------------------
    (r"^attempt (\d+): active queue$", r"\1 回目の試行: active キュー"),
    (r"^deferred queue$", "deferred キュー"),
    (r"^deferred: ", "保留: "),
    # --- hop details (agents) -------------------------------------------------------------
    (r"\(looked up in (\S+) built at ([^;)]+)\)", r"(\2 に作った \1 で検索)"),
    ((r"\(looked up in (\S+) built at ([^;)]+); (\S+) was edited after that and is not "
     r"compiled yet\)"), r"(\2 に作った \1 で検索。\3 はその後に編集され、まだ変換されていません)"),
    (r"; owner-(\S+) exists, so the envelope sender becomes owner-\S+",
     r"。owner-\1 があるので、エンベロープ送信者は owner-\1 になります"),
    (r"nesting level (\d+) > (\d+) while expanding (\S+)", r"\3 の展開中に入れ子が \1 > \2"),
    ((r"(\S+) is listed in its own \.forward file: this copy goes to the user (\S+), not "
     r"through the \.forward file again"), (r"\1 は自分の .forward に書かれています: この写しは .forward を"
     r"通さず利用者 \2 に届きます")),
    ((r"(\S+) is listed in its own \.forward file: this copy goes to the user (\S+), not "
     r"through the alias again"), (r"\1 は自分の .forward に書かれています: この写しはエイリアスを"
     r"通さず利用者 \2 に届きます")),
    (r"^sender non-delivery notification (\S+) to ", r"送信者への配送不能通知 \1 → "),
    (r"^sender delay notification (\S+) to ", r"送信者への遅延通知 \1 → "),
    (r"^sender delivery status notification (\S+) to ", r"送信者への配送状態通知 \1 → "),
    (r"^postmaster non-delivery notification (\S+) to ", r"postmaster への配送不能通知 \1 → "),
    (r"^added ", "追加したヘッダー: "),
    (r"; rewrote ", "。書き換え: "),
    (r"(?<=\S) rewrote ", " 書き換え: "),
    (r" would run as user (\S+) with ", r" をユーザー \1 で実行するはず。環境: "),
    ((r"; its standard input: From_ line, Return-Path:, X-Original-To:, Delivered-To: and the "
     r"message \(not executed by the simulation\)"), ("。標準入力は From_ 行・Return-Path:・"
     "X-Original-To:・Delivered-To: とメール本体 (シミュレーションでは実行しません)")),
    (r"\(appended as user (\S+), mbox format\)", r"(ユーザー \1 で mbox 形式で追記)"),
    (r" tmp/ renamed to ", " tmp/ から名前を変えて "),
    (r" locked with ", " ロック: "),
    (r"\(no MX records\)", "(MX レコードなし)"),
    (r"\(empty\)", "(空)"),
    (r"\(Postfix's address parser reads \\name as name\)",
     r"(Postfix のアドレス解析は \\name を name と読みます)"),
    ((r"a bounce could not be delivered; notify_classes has neither bounce nor 2bounce, so "
     r"nobody is told"), ("バウンスを配送できませんでした。notify_classes に bounce も 2bounce も"
     "ないので、誰にも知らされません")),
    (r"a bounce could not be delivered; ", "バウンスを配送できませんでした。"),
    (r" now holds ", " が登録: "),
    (r"; check_client_access btree:(\S+) lets it relay", (r"。check_client_access btree:\1 で"
     r"中継を許可")),
    (r" removed from (\S+): it may no longer relay", r" を \1 から削除: もう中継できません"),
    (r" removed from (\S+) it may no longer relay", r" を \1 から削除: もう中継できません"),
    (r" was already expanded at this level \(local\(8\) duplicate filter\): no second copy",
     " はこの段階で展開済み (local(8) の重複フィルター): 2通目は作りません"),
    ((r" goes down: unreachable, its daemons stop; the (\d+) file\(s\) in its mail queue stay "
     r"on disk"), (r" が停止: 到達できず、デーモンも止まります。メールキューの \1 個のファイルは"
     r"ディスクに残ります")),
    (r" is up again: Postfix starts, qmgr takes up the queue",
     " が復旧: Postfix が起動し、qmgr がキューを引き継ぎます"),
    (r" rewritten \((\d+) lines, owner (\S+), mode (\d+)\)",
     r" を書き換え (\1 行、所有者 \2、モード \3)"),
    (r"^DNS answers SERVFAIL for (\S+) type MX", r"DNS が \1 の MX に SERVFAIL を返すようになります"),
    (r"^DNS answers normally again for (\S+) type MX", r"DNS が \1 の MX に再び普通に答えます"),
    (r"^smtp \(port (\d+)\) on (\S+) listens again", r"\2 の smtp (ポート \1) が再び待ち受けます"),
    (r"^smtp \(port (\d+)\) on (\S+) stops listening: connections are refused",
     r"\2 の smtp (ポート \1) が待ち受けをやめます: 接続は拒否されます"),
    (r"^the SMTP server on (\S+) answers ", r"\1 の SMTP サーバーの応答: "),
    (r" at rcpt \(", " (RCPT で、"),
    (r"\buntil the client retries after ", "クライアントが次の時間の後に再送するまで: "),
    (r"^the link (\S+) - (\S+) now takes (\S+) ms one way",
     r"\1 - \2 のリンクの片道の遅延が \3 ms になります"),
    (r"^queued for ([\d.]+) days, past its lifetime: returned to sender",
     r"\1 日キューにあり寿命を過ぎたので送信者に返送"),
    (r" re-queued as a new message (\S+) \(sender ", r" を新しいメール \1 として再キュー (送信者 "),
    (r" lists no address: no forwarding, the mailbox gets the message",
     " にアドレスがない: 転送せず、メールボックスに配送"),
    (r": the file is ignored, as if there were none", ": ファイルは無かったものとして無視されます"),
    (r"\bcannot open file ", "ファイルを開けません: "),
    (r"\bhas bad owner uid ", "の所有者の uid が不正: "),
    (r"\bis world writable\b", "は誰でも書き込める"),
    (r"(\d+) message\(s\) on the server, (\d+) \\Seen; (\d+) downloaded to (\S+); (\d+) expunged",
     r"サーバーに \1 通、\\Seen は \2 通。\3 通を \4 にダウンロード、\5 通を削除 (expunge)"),
    (r"(\d+) message\(s\) downloaded to (\S+); (\d+) deleted on the server",
     r"\1 通を \2 にダウンロードし、サーバー上の \3 通を削除"),
    ((r"\bunable to lookup :include: file (\S+) No such file or directory: the recipient "
     r"bounces"), (r":include: ファイル \1 がありません (No such file or directory): 宛先はバウンス"
     r"します")),
    (r"\bis already in a Delivered-To: header of this message",
     "はすでにこのメールの Delivered-To: ヘッダーにあります"),
    (r"^wrote (\S+) \(no lock needed\)", r"\1 を書き込み (ロック不要)"),
    (r"^waited ([\d.]+) s \((\d+) attempts\) for (\S+) held by ", (r"\3 のロックを \1 秒 (\2 回) "
     r"待ちました。保持していたのは ")),
    (r"\bdelivering\b", "配送中の"),
    (r"; mailbox_delivery_lock = ", "。mailbox_delivery_lock = "),
    (r", done by (\w+) ", r"、\1 が取得: "),
    (r"\brebuilt from (\S+): (\d+) aliases, (\d+) warning\(s\)",
     r"を \1 から作り直しました: エイリアス \2 個、警告 \3 件"),
    ((r"at (\S+): TCP port (\d+) from the dynamic address (\S+) \(([^)]*)\) to (\S+) outside "
     r"the ISP network is dropped"), (r"\1 で: 動的アドレス \3 (\4) から ISP の外の \5 への TCP "
     r"ポート \2 は破棄されます")),
    (r"^postsuper -d: the queue file is deleted; nobody is told",
     "postsuper -d: キューファイルを削除。誰にも知らされません"),
    (r"^postsuper -h: moved to the hold queue", "postsuper -h: hold キューへ移動"),
    (r"^placed on hold$", "保留 (hold) にしました"),
    (r"^released from hold$", "保留 (hold) を解除しました"),
    (r"\bconnection lost: (\S+) went down during the session", r"接続断: \1 が通信中に停止"),
    (r"\bcannot connect to ", "接続できません: "),
    (r"; next deferred-queue scan that takes it: ", "。次にこれを扱う deferred キュー走査: "),
    (r"^postsuper -H: back to the deferred queue with its time stamp (\S+?)(?=;|。|$)",
     r"postsuper -H: 時刻印 \1 のまま deferred キューへ戻す"),
    (r"; next deferred-queue scan at ", "。次の deferred キューの走査は "),
    (r"^postsuper -r: moved to maildrop; pickup and cleanup make it a new queue file",
     "postsuper -r: maildrop へ移動。pickup と cleanup が新しいキューファイルにします"),
    (r"^every recipient is done: the queue file is deleted",
     "すべての宛先が完了: キューファイルを削除"),
    (r"; stopped at ", "。ここで中断: "),
    (r"\blost connection: connection lost: (\S+) went down during ",
     r"接続断: \1 が次の途中で停止: "),
    (r"\bend of DATA\b", "DATA の終わり"),
    (r"^re-queued as a new message for ", "新しいメールとして再キュー: "),
    (r": re-queued as a new message for ", ": 新しいメールとして再キュー: "),
    (r"\(not a local address\)", "(ローカルのアドレスではない)"),
    (r": re-queued as a new message: the owner attribute (\S+) is set and is not (\S+)",
     r": 新しいメールとして再キュー: owner 属性 \1 が設定され、\2 ではない"),
    (r"\(listed in mydestination\)", "(mydestination にある)"),
    (r"\(not in mydestination: (\w+) address class\)", r"(mydestination にない: \1 アドレスクラス)"),
    ((r"^the queue manager starts: files left in active or incoming are delivered again from "
     r"the start"), "キューマネージャーが起動: active や incoming に残ったファイルを最初から配送し直す"),
    ((r"^deferred-queue scan #(\d+) at (\S+) \(queue_run_delay (\S+) since (\S+)\): its time "
     r"stamp (\S+) is due"), (r"\2 の deferred キュー走査 #\1 (\4 から queue_run_delay \3): 時刻印 "
     r"\5 が来ている")),
    ((r"^postqueue -f: the queue manager scans the whole deferred queue now, ignoring time "
     r"stamps"), "postqueue -f: キューマネージャーが時刻印を無視して deferred キュー全体を今すぐ走査"),
    (r"^age (\S+) -> wait (\S+)", r"経過 \1 → 待ち \2"),
    (r": time stamp ([^;]+); next try at the deferred-queue scan of ",
     r": 時刻印 \1。次の試行は deferred キュー走査 "),
    (r"^verify: ", "確認: "),
    ((r"^mb2md converted (\S+) into (\S+): (\d+) message\(s\), (\d+) already read in cur/, "
      r"(\d+) in new/; \S+ is left as it was"),
     (r"mb2md が \1 を \2 に変換: \3 通 (既読で cur/ に \4 通、new/ に \5 通)。"
      r"元の mbox はそのまま")),
    # --- qmail-local (agents/mda/dotqmail.py) ---------------------------------------------
    (r": the default delivery \((\S+)\) is used", r": 既定の配送先 (\1) を使います"),
    (r" does not exist(?=: 既定)", " がありません"),
    (r" is empty \(0 bytes\)(?=: 既定)", " は空 (0 バイト)"),
    (r"forwarded by qmail-local as a new message to (<\S+>) \(qmail-queue\)",
     r"qmail-local が新しいメールとして \1 へ転送 (qmail-queue)"),
    (r"every line is a comment: qmail-local delivers the message nowhere",
     "どの行もコメント: qmail-local はどこにも配送しません"),
    (r"\.qmail lists no delivery", ".qmail に配送先がありません"),
    (r"; no copy is made and (\S+) logs nothing for it", r"。写しは作られず、\1 のログにも残りません"),
    (r": delivers to mailbox", ": メールボックスへ配送"),
    (r"\bdelivers to ", "配送先: "),

    # --- DSN (agents/mta/bounce.py, agents/mda/leaves.py) ---------------------------------
    (r"NOTIFY=SUCCESS: (action=\S+) goes into the trace log for the success report",
     r"NOTIFY=SUCCESS: \1 を成功報告用のトレースログに記録"),
    (r"DSN NOTIFY without FAILURE: no non-delivery notice is sent to the sender",
     "DSN の NOTIFY に FAILURE がないので、送信者にエラー通知は送りません"),
    (r"DSN NOTIFY without DELAY: no delay warning is sent",
     "DSN の NOTIFY に DELAY がないので、遅延通知は送りません"),
    # --- outcome and status words ---------------------------------------------------------
    (r"^delivered$", "配送済み"),
    (r"(?<![=\w])delivered\b(?!\))", "配送済み"),
    (r"(?<![=\w])bounced\b", "バウンス"),
    (r"(?<![=\w/])queued\b(?! as)", "キューで待機"),
    (r"(?<![=\w])rejected\b(?! at| \()", "拒否"),
    (r"(?<![=\w])deleted\b", "削除"),
)

TABLES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    # a phrase that starts a text may also follow a "label: " (the timeline's "action: ...")
    kind: tuple((re.compile(p.replace("^", r"(?:^|(?<=: ))", 1) if p.startswith("^") else p), r)
                for p, r in raw)
    for kind, raw in (("check", _CHECKS), ("detail", _DETAILS))}


def translate(text: str, kind: str = "detail") -> str:
    """Every phrase of the ``kind`` table (check or detail) replaced, in order; in a check,
    quoted text (a reply, a log line, a header value) is what a server wrote and stays."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", text) if kind == "check" else [text]
    for i in range(0, len(parts), 2):
        for pattern, replacement in TABLES[kind]:
            parts[i] = pattern.sub(replacement, parts[i])
    return "".join(parts)
