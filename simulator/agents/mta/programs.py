"""The sendmail emulation layer on disk: the /usr/sbin/sendmail, /usr/bin/mailq and
/usr/bin/newaliases each MTA package installs, so that ``ls -l`` and ``readlink -f`` show
whose programs they are.

Every MTA offers the sendmail command line (mail clients and scripts run
/usr/sbin/sendmail), but each distribution wires it its own way:

- RHEL (postfix.spec, sendmail.spec): the real programs are ``/usr/sbin/sendmail.postfix``
  or ``/usr/sbin/sendmail.sendmail``; alternatives(8) links ``/usr/sbin/sendmail`` to
  ``/etc/alternatives/mta`` and that to the chosen one, and the "followers" mta-mailq,
  mta-newaliases, mta-sendmail (``/usr/lib/sendmail``) the same way; ``mailq.postfix`` and
  ``newaliases.postfix`` are links to ``../sbin/sendmail.postfix``.
- Debian: the postfix package ships /usr/sbin/sendmail itself, with mailq, newaliases and
  /usr/lib/sendmail as links to ``../sbin/sendmail``; exim4-daemon-light ships
  /usr/sbin/exim4 (set-uid root) with ``sendmail -> exim4`` and ``../sbin/exim4`` links.
  Debian has no ``mta`` alternative.
- qmail (INSTALL step 15 of qmail 1.03 / netqmail): ``ln -s /var/qmail/bin/sendmail``
  /usr/lib/sendmail and /usr/sbin/sendmail; qmail has no mailq or newaliases program.

Which distribution a host runs is keyed on its MTA family (``DEFAULT_DISTRO``): Postfix and
Sendmail hosts are RHEL, Exim hosts Debian, as the labs' other details (/var/spool/mail,
exim4's spool) already are. A host's ``os:`` (debian-12, rhel-9) overrides it.

SIMPLIFICATION: the sizes of the program files are representative, not taken from one
package build; every file is dated at the start of the scenario; no SELinux ``.`` after
the mode on RHEL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...host import Host

DEFAULT_DISTRO = {"postfix": "rhel", "sendmail": "rhel", "exim": "debian", "qmail": "qmail"}
_OS_NAMES = {"debian": "debian", "ubuntu": "debian", "rhel": "rhel", "centos": "rhel",
             "rocky": "rhel", "almalinux": "rhel", "alma": "rhel", "fedora": "rhel"}


@dataclass(frozen=True, slots=True)
class Program:
    """A real program file: path, size, mode, owner, group."""

    path: str
    size: int
    mode: int
    owner: str = "root"
    group: str = "root"


@dataclass(frozen=True, slots=True)
class Alternative:
    """One member of the ``mta`` link group (alternatives --install ... PRIORITY)."""

    leader: str
    priority: int
    followers: tuple[tuple[str, str], ...]  # (title, target), in the spec file's order


@dataclass(frozen=True, slots=True)
class Layout:
    programs: tuple[Program, ...]
    links: tuple[tuple[str, str], ...]  # (path, target as ln -s was given it)
    alternative: Alternative | None = None


def _rhel(mta: str, program: Program, priority: int) -> Layout:
    man = "/usr/share/man"
    section = "1" if mta == "postfix" else "8"  # postfix.spec files sendmail(1) in man1
    followers = (("mta-mailq", f"/usr/bin/mailq.{mta}"),
                 ("mta-newaliases", f"/usr/bin/newaliases.{mta}"),
                 ("mta-pam", f"/etc/pam.d/smtp.{mta}"),
                 ("mta-rmail", f"/usr/bin/rmail.{mta}"),
                 ("mta-sendmail", f"/usr/lib/sendmail.{mta}"),
                 ("mta-mailqman", f"{man}/man1/mailq.{mta}.1.gz"),
                 ("mta-newaliasesman", f"{man}/man1/newaliases.{mta}.1.gz"),
                 ("mta-sendmailman", f"{man}/man{section}/sendmail.{mta}.{section}.gz"),
                 ("mta-aliasesman", f"{man}/man5/aliases.{mta}.5.gz"))
    own = f"../sbin/sendmail.{mta}"
    links = (("/usr/sbin/sendmail", "/etc/alternatives/mta"),
             ("/etc/alternatives/mta", program.path),
             ("/usr/bin/mailq", "/etc/alternatives/mta-mailq"),
             ("/etc/alternatives/mta-mailq", f"/usr/bin/mailq.{mta}"),
             ("/usr/bin/newaliases", "/etc/alternatives/mta-newaliases"),
             ("/etc/alternatives/mta-newaliases", f"/usr/bin/newaliases.{mta}"),
             ("/usr/lib/sendmail", "/etc/alternatives/mta-sendmail"),
             ("/etc/alternatives/mta-sendmail", f"/usr/lib/sendmail.{mta}"),
             (f"/usr/bin/mailq.{mta}", own), (f"/usr/bin/newaliases.{mta}", own),
             (f"/usr/lib/sendmail.{mta}", own))
    return Layout((program,), links, Alternative(program.path, priority, followers))


LAYOUTS: dict[tuple[str, str], Layout] = {
    # postfix.spec: alternatives --install /usr/sbin/sendmail mta ...sendmail.postfix 60
    ("postfix", "rhel"): _rhel("postfix", Program("/usr/sbin/sendmail.postfix", 27384,
                                                  0o755), 60),
    # sendmail.spec: priority 90; sendmail.sendmail is set-gid smmsp (the MSP's queue)
    ("sendmail", "rhel"): _rhel("sendmail", Program("/usr/sbin/sendmail.sendmail", 968592,
                                                    0o2755, "root", "smmsp"), 90),
    ("postfix", "debian"): Layout(
        (Program("/usr/sbin/sendmail", 26840, 0o755),),
        (("/usr/bin/mailq", "../sbin/sendmail"), ("/usr/bin/newaliases", "../sbin/sendmail"),
         ("/usr/lib/sendmail", "../sbin/sendmail"))),
    ("exim", "debian"): Layout(
        (Program("/usr/sbin/exim4", 1452648, 0o4755),),
        (("/usr/sbin/sendmail", "exim4"), ("/usr/sbin/exim", "exim4"),
         ("/usr/lib/sendmail", "../sbin/exim4"), ("/usr/bin/mailq", "../sbin/exim4"),
         ("/usr/bin/newaliases", "../sbin/exim4"))),
    # hier.c: bin/sendmail owned by root (auto_uido), group qmail (auto_gidq), 0755
    ("qmail", "qmail"): Layout(
        (Program("/var/qmail/bin/sendmail", 10112, 0o755, "root", "qmail"),),
        (("/usr/lib/sendmail", "/var/qmail/bin/sendmail"),
         ("/usr/sbin/sendmail", "/var/qmail/bin/sendmail"))),
}


def distro(host: Host) -> str:
    """The distribution whose packaging a host shows (see the module docstring)."""
    family = host.mta.family if host.mta is not None else "postfix"
    # the host's os: key (distro.py), "debian-12" -> "debian"; "textbook" names none
    wanted = _OS_NAMES.get(host.distro.id.split("-")[0].lower(), "")
    if (family, wanted) in LAYOUTS:
        return wanted
    return DEFAULT_DISTRO[family]


def layout(host: Host) -> Layout | None:
    if host.mta is None:
        return None
    return LAYOUTS.get((host.mta.family, distro(host)))


def install(host: Host) -> None:
    """Put the family's programs and links into the host's filesystem; a file the
    scenario wrote itself stays as it is."""
    found = layout(host)
    if found is None:
        return
    fs = host.fs
    for program in found.programs:
        if fs.stat(program.path) is None:
            fs.write(program.path, b"\x7fELF" + bytes(program.size - 4), program.owner,
                     program.mode)
            entry = fs.stat(program.path)
            assert entry is not None
            entry.group = program.group
    for path, target in found.links:
        if fs.stat(path) is None:
            fs.symlink(target, path)
