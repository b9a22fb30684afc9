"""Staff sign-in against the office's LDAP / Active Directory (ldap3), optional.

Off unless `KOLEJKA_LDAP_URL` is set; then it serves the sites in `KOLEJKA_LDAP_SITES`
(every site when empty). A clerk signs in with the directory's password:

1. find the person's entry: bind as the user straight away when `KOLEJKA_LDAP_USER_DN`
   is a template (`uid={username},ou=people,dc=office,dc=pl`), or search for them first
   with `KOLEJKA_LDAP_USER_FILTER` under `KOLEJKA_LDAP_BASE_DN` (AD:
   `(sAMAccountName={username})`), bound as `KOLEJKA_LDAP_BIND_DN` if given;
2. bind as that entry with the password given (the directory checks it; Kolejka never
   sees a hash of it);
3. the groups that list the entry as a `member` decide the role: the admin group, else
   the supervisor group, else the clerk group; in none of them: refused.

Local accounts stay: a clerk with a local password signs in with it as before, also while
the directory is down. A directory that cannot be reached (or answers with anything but
"wrong password") refuses with 503 `directory_unavailable` and lets nobody in; an empty
password is never sent (LDAP would take it for an anonymous bind).
"""

from __future__ import annotations

import contextlib
import math
import struct
import warnings
from dataclasses import dataclass

from kolejka.core.errors import DomainError
from server.settings import Settings

with warnings.catch_warnings():  # ldap3 2.9 names pyasn1's old aliases, which now warn
    warnings.simplefilter("ignore", DeprecationWarning)
    from ldap3 import BASE, NONE, SUBTREE, Connection, Server
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars
    from ldap3.utils.dn import escape_rdn

INVALID_CREDENTIALS = 49  # LDAP resultCode invalidCredentials


class DirectoryUnavailable(DomainError):
    """The directory cannot be asked: down, unreachable, or misconfigured (HTTP 503)."""

    status = 503
    default_code = "directory_unavailable"


@dataclass(frozen=True, slots=True)
class DirectoryPerson:
    username: str
    display_name: str
    role: str | None  # None: in none of the groups that may use Kolejka


class Directory:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self.settings.ldap_url)

    def serves(self, site_code: str) -> bool:
        sites = self.settings.ldap_sites
        return self.enabled and (not sites or site_code in sites)

    def authenticate(self, username: str, password: str) -> DirectoryPerson | None:
        """The person if the directory accepts the password; None if it does not (or
        knows no such user); DirectoryUnavailable if it cannot be asked."""
        s = self.settings
        if not password or not username:
            return None
        timeout = max(1, math.ceil(s.ldap_timeout_s))  # ldap3 packs it as whole seconds
        server = Server(s.ldap_url, connect_timeout=timeout, get_info=NONE)
        try:
            if s.ldap_user_dn:
                user_dn = s.ldap_user_dn.format(username=escape_rdn(username))
            else:
                found = self._find(server, escape_filter_chars(username), SUBTREE, Connection)
                if found is None:
                    return None
                user_dn = found
            conn = Connection(
                server, user_dn, password, receive_timeout=timeout, raise_exceptions=False
            )
            try:  # the socket is closed on every way out, a refusal too
                if s.ldap_start_tls:
                    conn.open()
                    conn.start_tls()
                if not conn.bind():
                    if conn.result and conn.result.get("result") == INVALID_CREDENTIALS:
                        return None
                    raise DirectoryUnavailable(reason=str(conn.result.get("description", "")))
                display = username
                if conn.search(user_dn, "(objectClass=*)", BASE, attributes=["displayName", "cn"]):
                    entry = conn.entries[0]
                    for attribute in ("displayName", "cn"):
                        if attribute in entry and entry[attribute].value:
                            value = entry[attribute].value
                            display = str(value[0] if isinstance(value, list) else value)
                            break
                groups = self._groups(conn, escape_filter_chars(user_dn), SUBTREE)
            finally:
                _close(conn)
        except (LDAPException, OSError, ValueError, struct.error) as exc:
            raise DirectoryUnavailable(reason=type(exc).__name__) from None
        return DirectoryPerson(username=username, display_name=display, role=self._role(groups))

    def _find(self, server: object, username: str, scope: str, connection: type) -> str | None:
        s = self.settings
        conn = connection(
            server,
            s.ldap_bind_dn,
            s.ldap_bind_password.get_secret_value() if s.ldap_bind_password else None,
            receive_timeout=max(1, math.ceil(s.ldap_timeout_s)),
            raise_exceptions=False,
        )
        try:
            if not conn.bind():
                raise DirectoryUnavailable(reason="service account refused")
            found = conn.search(
                s.ldap_base_dn or "",
                s.ldap_user_filter.format(username=username),
                scope,
                attributes=[],
                size_limit=2,
            )
            entries = list(conn.entries) if found else []
        finally:
            _close(conn)
        if len(entries) != 1:  # nobody, or a filter that names two people: no guess
            return None
        return str(entries[0].entry_dn)

    def _groups(self, conn: object, user_dn: str, scope: str) -> set[str]:
        s = self.settings
        base = s.ldap_group_base_dn or s.ldap_base_dn or ""
        if not conn.search(base, f"(member={user_dn})", scope, attributes=[]):  # type: ignore[attr-defined]
            return set()
        return {str(e.entry_dn).lower() for e in conn.entries}  # type: ignore[attr-defined]

    def _role(self, groups: set[str]) -> str | None:
        s = self.settings
        for role, group in (
            ("admin", s.ldap_admin_group),
            ("supervisor", s.ldap_supervisor_group),
            ("clerk", s.ldap_clerk_group),
        ):
            if group and group.lower() in groups:
                return role
        return None


def _close(conn: Connection) -> None:
    """Unbind, and close the socket ldap3 leaves open after a failed connect."""
    with contextlib.suppress(LDAPException, OSError):
        conn.unbind()
    sock = getattr(conn, "socket", None)
    if sock is not None:
        sock.close()
