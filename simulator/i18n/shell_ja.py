"""``mailsim shell`` の日本語テキスト (shell_en.py と同じキー)。"""

SHELL: dict[str, str] = {
    "banner": "mailsim shell: {title}\nシミュレーション時刻: {t}。時間は step か run を入力した"
              "ときだけ進みます。コマンドの一覧は help で表示します。",
    "help": (
        "模擬ホストのコマンド (本物のプログラムと同じ応答):\n"
        "  {programs}\n"
        "  コマンド > ファイル、>> ファイル、< ファイル、ヒアドキュメント: コマンド <<EOF ... EOF\n"
        "シェルのコマンド:\n"
        "  edit ファイル      ファイルを書き換える: 新しい内容を入力し、'.' だけの行で終える\n"
        "                   (画面エディタではなく行を読む。スクリプトからも使える)\n"
        "  ssh [ユーザ@]ホスト  ラボの別ホストにログインする。exit で戻る\n"
        "  su [-] [ユーザ]    ユーザになる (省略時は root)。exit で戻る\n"
        "  exit, logout     今のログインを終える (最後のログインならシェルを終了)\n"
        "シミュレーション (時刻は自分で進めるまで止まっています):\n"
        "  step             次のホップまで進めて解説する\n"
        "  run 5m           5 分進める (単位 s, m, h, d, w)。run だけなら予定がなくなるまで\n"
        "  run until 10:30  時刻が 10:30 になるまで進める (HH:MM[:SS])\n"
        "  status           各メッセージの現在地: キュー、メールボックス、バウンス\n"
        "  events           予定されていること: メッセージ、再送、ホストの停止・復旧\n"
        "  clock            現在のシミュレーション時刻\n"
        "  help             この説明"),
    "clock": "シミュレーション時刻: {t}",
    "step.none": "これ以上の予定はありません。時刻は {t} のままです。",
    "run.done": "シミュレーション時刻: {t} (新しいホップ {n} 件)。",
    "run.bad": "run: 5m、2h、1d のような時間、または until HH:MM を指定してください "
               "(入力: {value!r})",
    "status.none": "まだメッセージは送られていません。",
    "status.scheduled": "{msg}: 未送信: {sender} → {to}、{t} に送信予定",
    "status.transit": "{msg}: 配送中 (結果の出た受信者はまだいません)",
    "status.queue": "{host}: キューに {n} 通 ({queues})。{host} で mailq を実行すると見えます",
    "events.none": "予定されていることはありません。",
    "events.message": "{t}  メッセージ {msg}: {sender} → {to} ({client} から)",
    "events.event": "{t}  {what} {args}",
    "events.command": "{t}  {host} で {user} がコマンドを実行: {line}",
    "events.fetch": "{t}  {client}: {account} がメールを取得",
    "events.retry": "{t}  {host}: deferred キューの走査で {qid} を再送 ({why})",
    "edit.start": "edit {path}: 新しい内容を入力し、'.' だけの行で終えてください",
    "edit.done": "edit: {path} に {n} 行を書き込みました",
    "cd": "mailsim shell: cd: シェルはホームディレクトリから動きません。パスは完全に書いて"
          "ください (~/.forward、/etc/aliases)",
    "bye": "時刻 {t} で停止しました。",
    "err.host": "--host {host}: このラボにそのホストはありません (ホスト: {known})",
    "err.user": "--user {user}: {host} にそのユーザはいません (ユーザ: {known})",
}
