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
    "generate.done": "{path} を書き出しました: {messages} 通",
    "help.shell": "模擬ホストのシェル: コマンド (mailq、mail、newaliases など) を実行し、"
                  "時刻を自分で進める (step、run 5m、status、events)。",
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
}
