"""What a Linux distribution decides for its Postfix, stated once: the host's ``os:``.

Debian and Red Hat build the same Postfix with different compiled-in defaults and install a
different ``mail`` command beside it. This table is the one place that says so; every use
site (local(8)'s mailbox path, ``postconf -d``, the ``mail`` reader, ``systemctl status``)
asks it through the host. A lab's ``mta:`` settings (main.cf) still override every value.

- ``mail_spool_directory``: upstream's default is /var/mail (mail_params.h
  DEF_MAIL_SPOOL_DIR = _PATH_MAILDIR); Debian keeps it, Red Hat's postfix.spec builds with
  ``-DDEF_MAIL_SPOOL_DIR=\\"/var/spool/mail\\"`` (on Debian /var/spool/mail is a symlink).
- ``mail_version``: Debian 12 (bookworm) ships postfix 3.7.11-0+deb12u1; RHEL 9 ships
  postfix-3.5.25-1.el9 (9.5 and later; 9.0 had 3.5.9).
- The ``mail`` command: Debian's ``mailutils``-free default is bsd-mailx (OpenBSD mail
  8.1.2), RHEL's ``mailx`` package is Heirloom mailx 12.5.
- The program and document paths (``daemon_directory`` ...): the packages' own builds
  (Debian's debian/rules, Red Hat's postfix.spec), as ``postconf -d`` prints them.

The default, ``textbook``, is what every lab used before ``os:`` existed: Postfix 3.7.11 as
upstream builds it, but with the Red Hat spool directory and Heirloom mailx the LPIC/LinuC
textbooks show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

MailFlavour = Literal["heirloom", "bsd"]
# the values a host's ``os:`` may take (scenario.py checks them through this type)
OsId = Literal["textbook", "debian-12", "rhel-9"]

# Red Hat's build paths (postfix.spec: %{_libexecdir}/postfix, *.postfix alternatives)
_RHEL_PATHS = {
    "command_directory": "/usr/sbin",
    "daemon_directory": "/usr/libexec/postfix",
    "data_directory": "/var/lib/postfix",
    "html_directory": "no",
    "mailq_path": "/usr/bin/mailq.postfix",
    "manpage_directory": "/usr/share/man",
    "meta_directory": "/etc/postfix",
    "newaliases_path": "/usr/bin/newaliases.postfix",
    "readme_directory": "/usr/share/doc/postfix/README_FILES",
    "sample_directory": "/usr/share/doc/postfix/samples",
    "sendmail_path": "/usr/sbin/sendmail.postfix",
    "shlib_directory": "/usr/lib64/postfix",
}
# Debian's build paths (debian/rules: daemon_directory=/usr/lib/postfix/sbin)
_DEBIAN_PATHS = {
    "command_directory": "/usr/sbin",
    "daemon_directory": "/usr/lib/postfix/sbin",
    "data_directory": "/var/lib/postfix",
    "html_directory": "no",
    "mailq_path": "/usr/bin/mailq",
    "manpage_directory": "/usr/share/man",
    "meta_directory": "/etc/postfix",
    "newaliases_path": "/usr/bin/newaliases",
    "readme_directory": "no",
    "sample_directory": "/etc/postfix",
    "sendmail_path": "/usr/sbin/sendmail",
    "shlib_directory": "/usr/lib/postfix",
}


@dataclass(frozen=True, slots=True)
class Distro:
    """One distribution's Postfix build and the tools installed with it."""

    id: str
    pretty_name: str  # /etc/os-release PRETTY_NAME
    mail: MailFlavour  # which mail(1) /usr/bin/mail is
    unit_style: Literal["redhat", "debian"]  # how postfix.service is written
    defaults: dict[str, str] = field(default_factory=dict)  # postconf -d differences

    @property
    def version(self) -> str:
        return self.defaults["mail_version"]


DISTROS: dict[str, Distro] = {
    "textbook": Distro("textbook", "Postfix 3.7 with Red Hat's paths (the labs' default)",
                       "heirloom", "redhat",
                       {"mail_version": "3.7.11", "mail_spool_directory": "/var/spool/mail",
                        **_RHEL_PATHS}),
    "debian-12": Distro("debian-12", "Debian GNU/Linux 12 (bookworm)", "bsd", "debian",
                        {"mail_version": "3.7.11", "mail_spool_directory": "/var/mail",
                         **_DEBIAN_PATHS}),
    "rhel-9": Distro("rhel-9", "Red Hat Enterprise Linux 9.5 (Plow)", "heirloom", "redhat",
                     {"mail_version": "3.5.25", "mail_spool_directory": "/var/spool/mail",
                      # Postfix < 3.6 (RELEASE_NOTES-3.6: ">=TLSv1" is new there)
                      "smtpd_tls_protocols": "!SSLv2, !SSLv3",
                      "smtpd_tls_mandatory_protocols": "!SSLv2, !SSLv3",
                      **_RHEL_PATHS}),
}
# Parameters newer than some modelled release: postconf of an older one does not know them
# (postconf(5) "This feature is available in Postfix 3.10 and later").
SINCE: dict[str, tuple[int, int]] = {"smtpd_hide_client_session": (3, 10)}
# SIMPLIFICATION: other defaults that changed between 3.5 and 3.7 and that mailsim does not
# use (relay_domains' compatibility_level expression, ...) print as 3.7 prints them.


def known(name: str, version: str) -> bool:
    """Whether Postfix ``version`` has parameter ``name`` at all."""
    since = SINCE.get(name)
    return since is None or tuple(int(x) for x in version.split(".")[:2]) >= since
DEFAULT_OS: OsId = "textbook"
OS_IDS = tuple(DISTROS)


def distro(os_id: str | None) -> Distro:
    """The table entry for an ``os:`` value (the scenario has checked it exists)."""
    return DISTROS[os_id or DEFAULT_OS]
