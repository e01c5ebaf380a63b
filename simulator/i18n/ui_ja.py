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
}
