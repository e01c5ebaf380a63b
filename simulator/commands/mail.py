"""mail(1) / mailx(1): Heirloom mailx 12.5, as RHEL/CentOS 7 install it with /etc/mail.rc.

Sending (``mail -s SUBJECT [-c CC] [-b BCC] [-r FROM] user@domain``): the student types
the body and ends it with a line holding only ``.`` (``set dot`` in /etc/mail.rc); mailx
answers ``EOT`` and hands the message to ``sendmail -i`` (sendout.c start_mta()), so it
travels the local submission path: postdrop, pickup, cleanup (``Received: by HOST
(Postfix, from userid N)``). mailx writes Date:, To:, Subject:, Cc:, Bcc:, User-Agent: and
the MIME headers (sendout.c puthead()); cleanup drops Bcc: and adds Message-Id: and From:.

Reading (``mail`` alone): the banner, the folder line, the header summary, then one
command per line of input (``1`` prints message 1, ``h`` the headers, ``d``, ``q`` ...);
see mailx_box.py. The input is what the student types at the terminal, so the output
shows it echoed after the ``& `` prompt, as a terminal would.
"""

from __future__ import annotations

import shlex

from . import CommandResult, Invocation, command
from .mailx_bsd import DEFAULT_MAIL_RC as BSD_MAIL_RC
from .mailx_bsd import read_bsd
from .mailx_read import read_mail
from .mailx_send import VERSION, send_mail

# RHEL 7's /etc/mail.rc: upstream nail.rc 2.11 plus "set bsdcompat" (mailx.spec)
DEFAULT_MAIL_RC = """\
set hold
set append
set ask
set crt
set dot
set keep
set emptybox
set indentprefix="> "
set quote
set sendcharsets=iso-8859-1,utf-8
set showname
set showto
set newmail=nopoll
set autocollapse
set markanswered
ignore received in-reply-to message-id references
ignore mime-version content-transfer-encoding
fwdretain subject date from to
set bsdcompat
"""
# main.c: getopt(3) with "A:BHEFINVT:RS:a:b:c:dDefh:inqr:s:tu:v~"; usage() exits 2
USAGE = ("Usage: {0} -eiIUdEFntBDNHRV~ -T FILE -u USER -h hops -r address -s SUBJECT "
         "-a FILE -q FILE -f FILE -A ACCOUNT -b USERS -c USERS -S OPTION users\n")
_WITH_VALUE = set("ATSabchqrsu")
_FLAGS = set("BHEFINVRdDefintv~")
EX_USAGE = 2


@command("mail", "mailx", "Mail", "nail", "/bin/mail", "/usr/bin/mail", "/bin/mailx",
         "/usr/bin/mailx")
def mail(inv: Invocation) -> CommandResult:
    prog = inv.argv[0].rsplit("/", 1)[-1]
    try:
        opts, rest = parse_options(inv.argv[1:])
    except ValueError as bad:
        return CommandResult(f"{prog}: {bad}\n" + USAGE.format(prog), EX_USAGE)
    if "V" in opts:
        return CommandResult(f"{VERSION}\n")
    unsupported = sorted(set(opts) & set("ATSaqufIEFt~"))
    if unsupported:
        return CommandResult(f"mailsim: {prog} -{unsupported[0]} is not modelled\n", 1)
    bsd = inv.host.distro.mail == "bsd"  # Debian's bsd-mailx (the host's os:, distro.py)
    rc = settings(inv, "n" in opts, BSD_MAIL_RC if bsd else DEFAULT_MAIL_RC)
    if rest:
        return send_mail(inv, opts, rest, rc)
    if any(k in opts for k in "sbcr"):
        return CommandResult("Send options without primary recipient specified.\n"
                             + USAGE.format(prog), EX_USAGE)
    return read_bsd(inv, opts, rc) if bsd else read_mail(inv, opts, rc)


def parse_options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """getopt(3) as mailx calls it: flags may be grouped, values attached or apart."""
    opts: dict[str, str] = {}
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        if args[i] == "--":
            return opts, args[i + 1:]
        word, j = args[i], 1
        while j < len(word):
            flag = word[j]
            if flag in _WITH_VALUE:
                value = word[j + 1:]
                if not value:
                    i += 1
                    if i >= len(args):
                        raise ValueError(f"option requires an argument -- '{flag}'")
                    value = args[i]
                opts[flag] = _join(opts.get(flag), value, flag)
                break
            if flag not in _FLAGS:
                raise ValueError(f"invalid option -- '{flag}'")
            opts[flag] = ""
            j += 1
        i += 1
    return opts, args[i:]


def _join(old: str | None, value: str, flag: str) -> str:
    return value if old is None or flag not in "bc" else f"{old}, {value}"


def settings(inv: Invocation, skip_system: bool,
             default_rc: str = DEFAULT_MAIL_RC) -> dict[str, str]:
    """The variables /etc/mail.rc (unless -n) and ~/.mailrc set; ``ignore`` headers too."""
    rc: dict[str, str] = {"header": "", "save": "", "ignore-list": ""}
    files = [] if skip_system else [inv.host.fs.read("/etc/mail.rc")]
    if not skip_system and files[0] is None:
        files = [default_rc.encode()]  # the package's file, when the lab gives none
    files.append(inv.host.fs.read(f"{inv.user.home.rstrip('/')}/.mailrc"))
    for data in files:
        for line in (data or b"").decode("utf-8", "replace").splitlines():
            _rc_line(rc, line)
    return rc


def _rc_line(rc: dict[str, str], line: str) -> None:
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return
    if not words:
        return
    verb, args = words[0], words[1:]
    if verb in ("set", "se"):
        for arg in args:
            name, _, value = arg.partition("=")
            if name.startswith("no") and not value and name[2:]:
                rc.pop(name[2:], None)  # "set noNAME" unsets NAME
            else:
                rc[name] = value
    elif verb in ("unset", "uns"):
        for name in args:
            rc.pop(name, None)
    elif verb in ("ignore", "discard"):
        names = set(rc["ignore-list"].split()) | {a.lower() for a in args}
        rc["ignore-list"] = " ".join(sorted(names))
