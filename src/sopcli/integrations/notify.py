"""Delivering a message through Apprise: Telegram, e-mail (SMTP), ntfy, Matrix, JSON webhooks and the rest.

Apprise is the optional ``notify`` extra, imported only when a message goes
out: everyday commands never load it. An address is an Apprise URL and may
hold a password or a bot token; nothing here lets one reach a screen, an
error or the journal (``config.masked_address``, ``_without_secrets``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sopcli.config import masked_address
from sopcli.errors import InputError, NotInstalled
from sopcli.i18n import _

INSTALL = "pip install 'sopcli[notify]'"
# What an address looks like before a service is asked: a scheme, then ://.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


@dataclass(frozen=True)
class Delivery:
    """How one message to one address went; ``reason`` says why it failed, without a secret."""

    ok: bool
    reason: str | None = None


def require():
    """Apprise, imported; or, without the extra, one line saying how to install it.

    Raises:
        NotInstalled: Apprise is not installed.
    """
    try:
        import apprise
    except ImportError:
        raise NotInstalled(_("sending notices needs Apprise"), INSTALL) from None
    return apprise


def check_address(url: str) -> None:
    """Refuse an address no notification service has: at ``sop operator add --notify``, not at 22:00.

    Without Apprise installed only the form (``scheme://…``) is checked.

    Raises:
        InputError: not an address Apprise can deliver to.
    """
    if not _SCHEME.match(url.strip()):
        raise InputError(
            _("{address} is not a notification address").format(address=masked_address(url)),
            _("write an Apprise URL, like mailtos://user:password@mail.example.go.id or tgram://TOKEN/CHAT_ID"),
        )
    try:
        apprise = require()
    except NotInstalled:
        return
    if not apprise.Apprise().add(url.strip()):
        raise InputError(
            _("Apprise cannot deliver to {address}").format(address=masked_address(url)),
            _("see the Apprise documentation for the URL of each service"),
        )


def send(url: str, title: str, body: str, *, html: bool = False, attachment: Path | None = None) -> Delivery:
    """Deliver one message to one address; a failure is returned, not raised (the next run tries again).

    Raises:
        NotInstalled: Apprise is not installed.
    """
    import logging

    apprise = require()
    client = apprise.Apprise()
    if not client.add(url.strip()):
        return Delivery(False, _("Apprise cannot deliver to {address}").format(address=masked_address(url)))
    body_format = apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as log:
        delivered = client.notify(
            body=body, title=title, body_format=body_format, attach=str(attachment) if attachment else None
        )
    if delivered:
        return Delivery(True)
    said = [line.strip() for line in log.getvalue().splitlines() if line.strip()]
    reason = said[0] if said else _("the service did not accept the message")
    return Delivery(False, _without_secrets(reason, url))


def _without_secrets(text: str, url: str) -> str:
    """``text`` with every part of ``url`` that may be a secret (password, token, chat id, query) blanked."""
    rest = url.strip().partition("://")[2]
    authority, _slash, path = rest.partition("/")
    authority, _q, query = authority.partition("?")
    path, _q2, path_query = path.partition("?")
    userinfo, _at, host = authority.rpartition("@")
    secrets = [userinfo.partition(":")[2], *path.split("/"), *re.split(r"[&=,]", query + "&" + path_query)]
    if "." not in host:
        secrets.append(host.partition(":")[0])
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
