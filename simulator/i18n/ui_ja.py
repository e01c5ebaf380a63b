"""mailsim 自身の画面の日本語テキスト (i18n.ui を参照)。キーは ui_en.py と同じ。"""

UI: dict[str, str] = {
    # quiz
    "quiz.seed": "問題数: {count}。シード {seed} (--seed {seed} で同じ順に出題します)。",
    "quiz.prompt": "答えの番号 (1-{n})",
    "quiz.again": "1 から {n} までの番号を入力してください。",
    "quiz.right": "正解です。",
    "quiz.wrong": "不正解です。正解は {n} です。",
    "quiz.why_not": "{n} が誤りである理由: {why}",
    "quiz.why": "{n} が正しい理由: {why}",
    "quiz.running": "ここまでの得点: {right}/{asked}",
    "quiz.stopped": "{total} 問中 {asked} 問で終了しました。",
    "quiz.score": "得点: {right}/{asked}",
    "quiz.review": "復習 (演習で手順を確かめましょう):",
    "quiz.review_answer": "正解: {answer}",
    "quiz.review_lab": "演習: {command}",
    "quiz.none": "問題が見つかりません",
    "quiz.none_topic": "トピック {topic!r} の問題が見つかりません (トピック: {topics}。"
                       "演習名の一部や 108.3 のような出題範囲も使えます)",
    # glossary
    "glossary.title": "メール用語集 (日本語 — 英語)",
    # outcome lines, fetch lines, checks, queue and tree titles (render/console.py, tree.py)
    "out.for": "、元の宛先 {orig}",
    "status.delivered": "配送済み",
    "status.bounced": "バウンス",
    "status.queued": "キューで待機中",
    "status.rejected": "受け取り拒否",
    "status.deleted": "削除",
    "out.delivered": " {host}:{where} へ {t} に配送 ({hops} ホップ)",
    "out.other": " {t} に {host} で: {where}",
    "out.next_try": "。次の再試行は {t}",
    "fetch.ok": "成功",
    "fetch.failed": "失敗: {error}",
    "fetch.line": "{client}: {user} が {t} に {server} から {proto} で {n} 通を取得し {saved} に"
                  "保存 ({state})",
    "check.summary": "期待どおりの結果: {met}/{total} 件",
    "queue.title": "── {host} のメールキュー (mailq) ──",
    "tree.queue": "{host} のキュー {qid}",
    # errors and messages of the mailsim command (cli.py)
    "err.scenario": "シナリオファイルに誤りがあります (項目名は YAML のまま):\n{error}",
    "err.msg": "--msg: この実行にメッセージ {msg!r} はありません (あるもの: {known})",
    "err.none": "なし",
    "err.until": "--until: {error} (指定値 {value!r})",
    "err.export": "--export {dir}: 書き出せません: {error}",
    "err.export_os": "--export {dir}: そこには書き込めません: {error}",
    "export.done": "{dir} の下に {n} 個のファイルを書き出しました",
    "err.html_os": "--html {path}: そこには書き込めません: {error}",
    "html.done": "{path} を書き出しました",
    "check.file": "{path}: 期待どおりの結果 {met}/{total} 件",
    "coverage.done": "{path} を書きました",
    # --help summaries (MAILSIM_LANG=ja mailsim --help)
    "help.app": "mailsim: 1通のメールが MUA → MSA → MTA → MDA → MRA と進むようすを1ホップずつ"
                "見せます。",
    "help.run": "シナリオを実行し、各メールのすべてのホップと各宛先の結果を表示します。",
    "help.check": "シナリオを実行して expect: を確かめます。満たされない期待があれば終了ステータス 1。",
    "help.validate": "シナリオファイルを実行せずに検査します。",
    "help.quiz": "試験対策ドリル: 演習の問題を選択肢の順を混ぜて出題します。答えの番号を入力します。",
    "help.coverage": "同梱の演習から網羅表 (概念・出題範囲・演習・問題数) を書き出します。",
    "help.glossary": "メール用語の英語と日本語 (MTA = メール転送エージェント、¥ = \\ など)。",
    "help.sweep": "1つのシナリオを多数のシードと設定で (Dask 上で) 実行し、結果を比べます。",
    "err.sweep_write": "結果を書き込めません: {error}",
    "err.sweep_interrupted": "中断しました: スイープのクラスタを閉じました。何も書き出していません",
    "help.generate": "大量の負荷をシナリオファイルとして書き出します: ISP の 1 日分のメール "
                     "(ドメインごとの利用者、1 日の波に沿った到着、存在しない宛先、MX の停止)。",
    "err.generate": "シナリオを生成できません: {error}",
    "gen.messages": "--messages: 1 以上を指定してください (指定値: {got})",
    "gen.domains": "--domains: 1 から 99 までを指定してください (指定値: {got})",
    "gen.users": "--users: ドメインごとに 1 人以上 ({domains} 以上) が必要です (指定値: {got})",
    "gen.unknown": "--unknown: 0 から 1 までの割合を指定してください (指定値: {got})",
    "gen.greylist": "--greylist: 0 以上を指定してください (指定値: {got})",
    "gen.greylist_domains": "--greylist: ドメインが 2 つ以上必要です (mx.d02 がグレイリストを使います)",
    "gen.outage_form": "--outage: 10:00-12:00 のような時間帯を指定してください (指定値: {got})",
    "gen.outage_order": "--outage: 終わりは始まりより後にしてください (指定値: {got})",
    "generate.done": "{path} を書き出しました: {messages} 通",
    "help.shell": "模擬ホストのシェル: コマンド (mailq、mail、newaliases など) を実行し、"
                  "時刻を自分で進める (step、run 5m、status、events)。",
    # sweeps (render/sweep.py, sweep_plot.py)
    "sweep.title": "スイープ: {scenario} を {runs} 回実行、{settings}",
    "sweep.all": "ファイルのまま",
    "sweep.progress": "実行",
    "sweep.failed": "実行 {index} が失敗 (シード {seed}{settings}): {error}",
    "sweep.none": "完了した実行はありません",
    "sweep.settings": "設定の組み合わせ {n} 通り",
    "sweep.col.runs": "実行回数",
    "sweep.col.delivered": "配送済み (1 回あたり平均)",
    "sweep.col.bounced": "バウンス (平均)",
    "sweep.col.queued": "キューに残る (平均)",
    "sweep.col.delay_p50": "遅延 p50 (各回の中央値)",
    "sweep.col.delay_p90": "遅延 p90 (各回の中央値)",
    "sweep.col.delay_max": "遅延の最大 (最悪の回)",
    "sweep.col.retries": "再試行 (平均)",
    "sweep.col.bounces": "バウンス通知 (平均)",
    "sweep.col.peak_queue": "キューの最大 (最悪の回)",
    "sweep.col.sim_time": "模擬時間 (平均)",
    "sweep.plot.delay": "実行ごとの配送遅延 (受信者の中央値)、分",
    "sweep.plot.retries": "実行ごとの再試行回数",
    "sweep.plot.title": "{scenario} の実行 {n} 回",
    # mailsim run --step / --follow (render/playback.py, render/progress.py)
    "play.prompt": "Enter: 次のホップ、q: 停止 ",
    "play.stopped": "{n} ホップ目 ({t}) で再生を止めました。",
    "err.play_both": "--step と --follow はどちらか一方だけ指定してください",
    "err.play_json": "--json は実行全体を一度に出力します: --step や --follow とは併用できません",
    "err.play_view": "--step と --follow はホップをコンパクト表示と同じ形で 1 つずつ示します: "
                     "--view hops か --view compact を指定してください (指定: --view {view})",
    "progress.clock": "模擬時刻 {t}",
    "progress.total": "終了 {t}",
    "trace.not_kept.compact": "{what}: 記録していません。この実行は --trace {level} です (各ホップと"
                      "結果は残しますが、SMTP/POP3/IMAP の対話と maillog の行は残しません)。"
                      "見るには --trace full (既定) でもう一度実行してください。",
    "trace.not_kept.summary": "{what}: 記録していません。この実行は --trace summary です (結果と"
                              "実行の統計だけを残し、ホップ、対話、maillog の行は残しません)。"
                              "見るには --trace full (既定) でもう一度実行してください。",
    "trace.what.transcript": "対話",
    "trace.what.log": "ログ /var/log/maillog",
    "trace.what.export": "--export: maillog ファイル",
    "trace.what.html": "--html: レポートの対話",
    "trace.what.checks": "サーバーの応答と maillog の行についての期待 (確認していません)",
    "trace.what.checks_summary": "サーバーの応答、maillog の行、トレースの手順についての期待 "
                                 "(確認していません)",
    "err.summary_hops": "{option} はホップを表示しますが、--trace summary はホップを残しません: "
                        "{option} には --trace full か compact を使ってください",
    "err.play_trace": "--step と --follow は完全なトレースを使います: --trace {trace} とは併用できません",
    # the summary view (render/summary.py)
    "sum.title": "実行のまとめ: {n} 通 (trace: {trace})",
    "sum.delivered": "配送された受信者",
    "sum.bounced": "バウンスした受信者",
    "sum.deferred": "一度でも遅延 (deferred) した受信者",
    "sum.queued": "まだキューにある受信者",
    "sum.rejected": "投稿時に拒否された受信者",
    "sum.deleted": "削除された受信者 (postsuper -d)",
    "sum.delay": "配送までの遅延 ({n} 件)",
    "sum.peak": "同時にキューにあった受信者の最大数",
    "sum.queue": "キューの大きさの推移",
    "sum.kept": "--trace summary: ホップ、対話、maillog は保持せず、配送済みメールの"
                "バイトもメールボックスに残していません (サイズだけ数えました)。",
    "html.dropped": "処理の終わった受信者 (配送済み、バウンス、拒否、削除) の結果は数えたうえで"
                    "保持していません (workload の --trace summary)。下の結果は残っているものだけ"
                    "です。mailsim run --html ならすべて保持します。",
    "trace.dropped": "処理の終わった受信者 (配送済み、バウンス、拒否、削除) の結果 {n} 件は"
                     "数えたうえで保持していません (--trace summary)。--json か --html なら"
                     "すべて保持します。",
    "sum.kept_mail": "--trace summary: ホップ、対話、maillog は保持していません。このシナリオは"
                     "メールボックスを読む (または期待する) ので、メールボックスは保持しました。",
}
