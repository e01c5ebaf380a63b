"""日本語の解説。トレースのイベント種別ごとに1つ (i18n/__init__.py を参照)。"""

CATALOGUE: dict[str, str] = {
    "dns_a": "DNS で {qname} のアドレス (A レコード) を問い合わせます: {answer}",
    "dns_mx": "MTA が DNS にこのドメイン宛のメールを受け取るホスト ({qname} の MX レコード) を"
              "問い合わせます: {answer}",
    "submit": "メールソフト (MUA) が SMTP AUTH で認証したあと、ポート {port} でプロバイダの MSA に"
              "メールを渡します。以後はサーバーがキュー ID {qid} として責任を持ちます。",
    "cleanup": "cleanup がキューファイル {qid} を書きます。Received: ヘッダー (許される場合は"
               "Message-Id: と Date: も) を加えます。Postfix のキューへの入口はここだけです。",
    "queue_active": "qmgr が {qid} を incoming キューから active キューへ移し、配送の段取りを"
                    "します。",
    "resolve_smtp": "trivial-rewrite が経路 {route} を選びます。自ドメインではない "
                    "(mydestination にない) ので smtp クライアントが中継します。",
    "resolve_local": "trivial-rewrite がローカル配送を選びます。ドメインが mydestination に"
                     "あるので、MDA である local(8) がこのホストで配送します。",
    "relay": "smtp クライアントが MX ホスト {server} のポート 25 に接続してメールを転送します。"
             "相手の MTA はキュー ID {qid} で受け取ります。",
    "deliver_mbox": "MDA である local(8) が mbox ファイル {path} にメールを追記します。"
                    "Return-Path:、X-Original-To:、Delivered-To: を加えます。",
    "deliver_maildir": "MDA である local(8) が Maildir {path} にメールを書きます (tmp/ に書いて"
                       "から new/ へ移します)。",
    "queue_removed": "すべての宛先の処理が済んだので、qmgr が {host} のキューファイル {qid} を"
                     "削除します。",
    "pop3_fetch": "メールソフトが POP3 サーバー (MRA、ポート 110) にログインし、{count} 通を"
                  "ダウンロードして、サーバー上の {deleted} 通を削除します。",
    "connect_failed": "{server} への接続に失敗しました ({reason})。次の MX ホストを試すか、"
                      "メールはキューで待ちます。",
    "event": "この演習の世界で変化が起きます: {detail}。",
    "typed_smtp": "{src} の利用者が {program} で {server} のポート {port} に接続し、メールソフトが"
                  "送るコマンドを手で入力して SMTP で対話します。サーバーはどのクライアントにも"
                  "同じように応答します。キューに入ったメールは {queued} 通です。",
    "command": "{host} で入力したコマンド: {line}。出力は本物のプログラムと同じです。",
    "status_bounced": "配送エージェントは <{rcpt}> への配送を最終的にあきらめます: {reason}。"
                      "送信者にはバウンスメールが届きます。",
    "status_deferred": "配送エージェントは <{rcpt}> に今は配送できません: {reason}。"
                       "メールはキューに残り、あとで再送されます。",
    "bounce": "配送が最終的に失敗したので、bounce(8) が配送不能通知 ({qid}) を送信者 "
              "<{sender}> に返します。",
    "tls_handshake": "ポート {port} で TLS ハンドシェイク ({how}) を行い、{version} と暗号 "
                     "{cipher} で合意します。往復 {rtts} 回分の時間がかかり、この後はパスワードを"
                     "含めてすべて暗号化されて流れます。",
    "op25b_block": "OP25B: ISP の出口ルーター {router} が、動的アドレス {client} から {server} の"
                   "ポート {port} への接続を止めました ({what})。家庭の PC はインターネット上の "
                   "MTA と直接 SMTP で話せず、プロバイダの MSA (ポート 587) を経由します。",
    "submit_refused": "ポート {port} の MSA はメールを受け取りませんでした (理由は応答にあります)。"
                      "メールソフトが利用者にエラーを表示するので、エラーメールは返りません。",
    "drac_allow": "POP before SMTP (DRAC): {ip} が POP3 でログインしたので、POP サーバーが "
                  "dracauth() を呼び、{host} の rpc.dracd が {ip} を {table} に {until} まで登録"
                  "します。Postfix の check_client_access により、このアドレスから中継できます。",
    "drac_expire": "{host} の rpc.dracd が期限切れの {ip} を {table} から削除しました。もう一度 "
                   "POP3 でログインするまで、このアドレスからは中継できません。",
    "deferred": "今は配送できないので、qmgr が {qid} を deferred キューに移し {delay} 秒待ちます。"
                "待ち時間はメールがキューに入ってからの経過時間で、minimal_backoff_time と "
                "maximal_backoff_time の範囲に収めます。{next} の deferred キュー走査で再試行します。",
    "retry": "qmgr は queue_run_delay ごとに deferred キューを走査します。{qid} の再試行時刻が来た"
             "ので active キューに戻し、{attempt} 回目の配送を試みます。",
    "expired": "{qid} はキューで maximal_queue_lifetime (バウンスなら bounce_queue_lifetime) より"
               "長く待ちました。qmgr は配送をあきらめ、送信者に返送します。",
    "restart_requeue": "{host} が再び動き始めました。ホストが止まったとき active キューにあった "
                       "{qid} を、キューマネージャーが incoming に戻して配送し直します。キューの"
                       "メールは失われません。",
    "delay_warning": "delay_warning_time を過ぎてもキューに残っているので、bounce(8) が遅延通知 "
                     "({qid}) を <{sender}> に送ります。メールはキューに残り、再試行が続きます。",
    "postmaster_notice": "notify_classes の設定に従い、bounce(8) が障害報告の写し ({qid}) を"
                         "管理者 <{sender}> に送ります。",
    "double_bounce_discarded": "バウンスメール ({qid}) が配送できませんでした。Postfix はバウンスを"
                               "空の送信者に送り返すことはしません。捨てるか、notify_classes に "
                               "2bounce があれば postmaster に知らせます。",
    "queue_hold": "postsuper -h で {qid} を hold キューに移します。postsuper -H で解放するまで "
                  "qmgr は手を付けません。",
    "queue_release": "postsuper -H で {qid} を hold から deferred キューに戻します。次の "
                     "deferred キュー走査 (または postqueue -f) で配送されます。",
    "queue_requeue": "postsuper -r で {qid} を pickup と cleanup にもう一度通します。新しい"
                     "キュー ID の新しいキューファイルになります。",
    "queue_deleted": "postsuper -d でキューファイル {qid} を削除します。メールは消え、誰にも"
                     "通知されません。",
    "relay_refused": "smtp クライアントが {server} のポート {port} と通信しますが、相手のサーバーは"
                     "メールを受け取りません (応答を参照)。4xx なら後で、または次の MX ホストで再試行し、"
                     "5xx ならバウンスします。",
    "mbox_lock_wait": "local(8) は {path} が {holder} にロックされていたため、{waited} 秒 "
                      "({attempts} 回の試行、deliver_lock_delay ごと) 待ってから {kinds} で"
                      "ロックしました。ロックがないと、1つの mbox ファイルに2つのプログラムが"
                      "同時に書き込み、行が混ざったりメールが失われたりします。",
    "mbox_lock_failed": "local(8) は deliver_lock_attempts 回試しても {path} をロックできません"
                        "でした ({holder} が保持)。mbox を壊す危険を避けるため、配送は保留 "
                        "(4.2.0) され、あとで再試行されます。",
    "maildir_tmp": "local(8) はメールを {path} に書きます。まず tmp/ に書くので、Maildir には"
                   "ロックが要りません (読み手は tmp/ を見ないからです)。",
    "maildir_cur": "Dovecot が新着メールを引き取り、new/ から cur/ へ移して情報部 ':2,' を"
                   "付けます (フラグ: {info})。Maildir の読み手はロックしません。",
    "maildir_flags": "サーバー上でフラグが変わったので、Dovecot がファイル名を変えます。"
                     "':2,' の後の文字がフラグです ({info}。S = \\Seen、T = \\Deleted、"
                     "R = \\Answered、F = \\Flagged)。",
    "imap_sync": "メールソフトが IMAP サーバー (MRA、ポート 143) にログインして INBOX を同期"
                 "します。{total} 通はサーバーに残り、そのうち {seen} 通が \\Seen (既読) です。"
                 "まだ持っていない {count} 通をダウンロードします。{user} のどの端末からも同じ"
                 "状態が見えます。",
    "alias": "local(8) が <{rcpt}> のローカル部を、コンパイル済みのエイリアスデータベース"
             "(テキストの /etc/aliases ではなく aliases.db) で調べ、右辺に並んだ宛先へ代わりに"
             "配送します。",
    "alias_self": "エイリアスの右辺に自分自身の名前があります。その分はエイリアスを再展開せず、"
                  "同じ名前のユーザーに配送されます。",
    "alias_loop": "エイリアスどうしが互いを展開し続けています。ネストの深さが 100 を超えたので、"
                  "local(8) は 5.4.6「alias database loop」で打ち切ります。",
    "duplicate": "local(8) はこの宛先について済ませた処理を覚えているので、同じ配送を二度は"
                 "しません。",
    "loop_detected": "<{rcpt}> はすでに Delivered-To: ヘッダーにあります。メールが一度ここを"
                     "通っているので、転送ループと判断します (5.4.6)。",
    "requeue": "<{rcpt}> は今回の配送では扱いません。local(8) が、自分のキュー ID を持つ"
               "新しいメッセージとしてキューに戻します。",
    "dotforward": "local(8) が <{rcpt}> の ~/.forward を読み、メールボックスの代わりに、そこに"
                  "書かれた宛先へ送ります。",
    "forward_empty": "宛先が一つもない .forward は「転送しない」という意味です。メールは"
                     "メールボックスに届きます。",
    "forward_ignored": "所有者が違う、誰でも書き込める、または読めない .forward は信用され"
                       "ません。local(8) は警告を記録してファイルを無視し、メールボックスに"
                       "配送します。",
    "include": ":include: はファイルから宛先を追加で読み込みます。そこから読んだアドレスは"
               "それぞれ新しいメッセージとしてキューに戻されます。",
    "include_refused": ":include: ファイルがない・安全でないのは設定の誤りです。不正な "
                       ".forward と違い、この宛先はバウンスします (5.3.5)。",
    "deliver_file": "local(8) がユーザー {user} の権限で、メッセージを mbox 形式でファイル "
                    "{path} に追記します。",
    "deliver_command": "local(8) はユーザー {user} としてコマンド {command} にメッセージを"
                       "渡すところです (シミュレーターは実際には実行しません)。",
    "discard": "postmaster と mailer-daemon にはエイリアスが必要です。ないので local(8) は"
               "警告を出してメールを破棄します。",
    "local_bounce": "配送が最終的に失敗しました ({reason})。送信者にバウンスメールが返ります。",
    "local_defer": "今は配送できません ({reason})。メールはキューに残り、あとで再試行されます。",
    "verify": "sendmail -bv なので、local(8) はどこへ配送されるか ({reason}) を報告するだけ"
              "で、何も配送しません。",
    "forward": "キューに戻されたアドレスは新しいメッセージ {qid} になります。先頭に "
               "Received: と Delivered-To: が付き、ほかのメールと同じように配送されます。",
    "trace": "sendmail -bv の結果が「Mail Delivery Status Report」({qid}) として <{sender}> に"
             "送られます。",
    "success_notice": "送信者が NOTIFY=SUCCESS (RFC 3461) を求めたので、bounce(8) が「Successful "
                      "Mail Delivery Report」({qid}) を <{sender}> に送ります。",
    "dsn_success": "<{rcpt}> には NOTIFY=SUCCESS が付いています。結果が成功報告用の"
                   "トレースログに入ります。エイリアスや .forward は「expanded」と報告し、"
                   "転送先には SUCCESS を除いた NOTIFY を引き継ぎます。",
    "bounce_suppressed": "受信者への配送は失敗しましたが、DSN の NOTIFY (NEVER、または FAILURE "
                         "なし) がエラー通知を求めていません。ログには bounced と記録され、"
                         "送信者には知らされません。",
    "delay_suppressed": "delay_warning_time を過ぎましたが、遅れている受信者のどれも NOTIFY に "
                        "DELAY を含まないので、遅延通知は送られません。",
    "too_many_hops": "Received: ヘッダーがすでに hopcount_limit ({limit}) 個あります。cleanup "
                     "はメールのループを疑い、受け付けません (5.4.0 too many hops)。",
    "mb2md": "mb2md が mbox {source} をメール 1 通ごとのファイルに分けて Maildir {dest} "
             "に置きます。既読 (Status: O) のメールはフラグ付き (:2, の後、R 既読 -> S) で "
             "cur/ に、それ以外は new/ に入ります。mbox はそのまま残ります。",
    "newaliases": "newaliases (postalias) が {path} を {db} にコンパイルします。ここで初めて "
                  "local(8) に変更が反映されます。",
    "include_empty": ":include: ファイルに宛先がありません。この枝はここで終わり、コピーも"
                     "ログも残りません。",
    "no_destination": "この宛先の展開はどの枝も配送先なしで終わりました ({reason})。local(8) は"
                      "処理済みとして扱い、どこにも配送せず、ログにも何も残しません。",
    "submit_noauth": "メールソフト (MUA) が SMTP AUTH なしでポート {port} のサーバーにメールを"
                     "渡します。サーバーの中継ルール (mynetworks、自ドメイン宛て、POP before "
                     "SMTP の表など) がこのクライアントを通しました。以後はキュー ID {qid} として"
                     "サーバーが責任を持ちます。",
    "dotqmail": "qmail-local が <{rcpt}> の .qmail ファイル (dot-qmail(5)) を読みます。1 行が"
                "1 つの配送先です: ./Maildir/ や ./Mailbox、|コマンド、&アドレス (転送)。",
    "dotqmail_default": "<{rcpt}> には .qmail がない (または空) ので、qmail-local は qmail-start "
                        "に渡された既定の配送先 (例: ./Mailbox) に届けます。",
    "dotqmail_nothing": "<{rcpt}> の .qmail にはコメントしかありません。qmail-local はどこにも"
                        "届けず (did 0+0+0)、バウンスもしません。",
}

# HTML レポート (render/html.py) の見出し・ボタン・ラベル。波かっこはスクリプトが埋めます。
REPORT: dict[str, str] = {
    "report": "mailsim レポート",
    "language": "言語",
    "message": "メッセージ",
    "network": "ネットワーク",
    "network_note": "赤: 選んだメッセージが通ったリンクとホスト。橙: いま表示しているホップ。"
                    "数字は片道の遅延です。",
    "sequence": "ホップのシーケンス図",
    "sequence_note": "1行が1ホップです。処理したプログラムのレーンから、メッセージを渡した相手の"
                     "レーンへ矢印が伸びます。「再生」か「次へ」でメッセージを追いかけ、ホップを"
                     "クリックすると対話とヘッダーが見られます。",
    "play": "再生",
    "pause": "一時停止",
    "step": "次へ",
    "back": "戻る",
    "all": "すべて表示",
    "restart": "最初から",
    "hop_of": "{total} ホップ中 {n} 番目",
    "no_hops": "この実行では、このメッセージのホップはありません。",
    "hop": "ホップ",
    "pick_hop": "図のホップをクリックするか、「次へ」を押してください。",
    "time": "時刻",
    "from": "送り手",
    "to": "受け手",
    "protocol": "プロトコル",
    "action": "できごと",
    "queue_id": "キュー ID",
    "reply": "応答",
    "detail": "詳細",
    "explanation": "解説",
    "transcript": "対話の記録",
    "transcript_of": "{proto} {client} → {server}:{port}、{clock} に接続",
    "transcript_note": "C: はクライアント、S: はサーバー。C~ と S~ は暗号化 (TLS) されて流れた行です。",
    "no_transcript": "このホップにはネットワーク上の対話がありません (ホスト内の処理か DNS 問い合わせ)。",
    "headers": "この時点のメッセージヘッダー",
    "no_headers": "このホップまでに、このメッセージのヘッダーは見えていません。",
    "headers_data": "{clock} に {proto} セッション {client} → {server}:{port} の DATA のあとで"
                    "送られたもの。",
    "headers_later": "このメッセージはホスト上で投入されたため、このホップより前のコピーは"
                      "ありません。あとで最初に見えたコピーを示します:",
    "headers_mailbox": "実行終了時に {host}:{path} に保存されていたもの (local(8) が Return-Path:、"
                       "X-Original-To:、Delivered-To: を加えています)。",
    "headers_retrieved": "{clock} にメールソフトが {server} から {proto} で受信したもの。",
    "outcomes": "結果",
    "recipient": "宛先",
    "status": "状態",
    "host": "ホスト",
    "where": "配送先 / 理由",
    "status_delivered": "配送済み",
    "status_bounced": "返送 (バウンス)",
    "status_queued": "キューに残っている",
    "status_rejected": "拒否",
    "status_deleted": "削除",
    "unused_lane": "経路にない",
    "role_MUA": "MUA: メールソフト",
    "role_MSA": "MSA: 投稿 (サブミッション) サーバー",
    "role_MTA": "MTA: 転送エージェント",
    "role_DNS": "DNS: 名前解決",
    "role_MDA": "MDA: ローカル配送",
    "role_MRA": "MRA: POP3/IMAP サーバー",
    "generated": "シナリオ {name}、シード {seed}、シミュレーション時刻 {clock} まで。",
    "summary": "実行のまとめ",
    "sum_delivered": "配送された受信者",
    "sum_bounced": "バウンスした受信者",
    "sum_deferred": "一度でも遅延 (deferred) した受信者",
    "sum_queued": "まだキューにある受信者",
    "sum_rejected": "投稿時に拒否された受信者",
    "sum_deleted": "削除された受信者 (postsuper -d)",
    "sum_peak": "同時にキューにあった受信者の最大数",
    "sum_queue": "キューにある受信者数の推移 (模擬時間)",
    "sum_kept": "この実行は結果と統計だけを保持しました (--trace summary): ホップ、対話、"
                "maillog はなく、配送済みメールのバイトもメールボックスにありません。",
    "sum_kept_mail": "この実行は結果と統計だけを保持しました (--trace summary): ホップ、対話、"
                     "maillog はありません。このシナリオはメールボックスを読む (または期待する) "
                     "ので、メールボックスは保持しました。",
}
