"""The words of a notice: short, in the interface language, ending in the command that acts on it."""

from __future__ import annotations

from sopcli.domain.alerts import Event
from sopcli.i18n import _
from sopcli.present.casefmt import local
from sopcli.present.labels import status_label

# A kegiatan is cut here in a message: a phone screen shows the rest in sop itself.
KEGIATAN_SHOWN = 90


def compose(message, tz) -> tuple[str, str]:
    """A message's (title, body): one block per notice, the most pressing first."""
    notices = sorted(message.notices, key=_pressing)
    if all(n.event == Event.SEAL for n in notices):
        title = _("Seal of the jurnal harian")
    elif len(notices) == 1:
        title = _("sop: {number} needs you").format(number=notices[0].number)
    else:
        title = _("sop: {count} complaints need you").format(count=len(notices))
    return title, "\n\n".join(_block(notice, tz) for notice in notices) + "\n"


def _pressing(notice) -> tuple[float, str]:
    left = notice.minutes_left if notice.minutes_left is not None else float("inf")
    return left, notice.number or ""


def _block(notice, tz) -> str:
    from sopcli.worktime.parse import format_minutes

    if notice.event == Event.SEAL:
        seal = notice.seal
        digest = " ".join(seal["digest"][i : i + 8] for i in range(0, len(seal["digest"]), 8))
        return "\n".join(
            [
                _("Jurnal harian {day} ({zone}) sealed: {entries} entries.").format(
                    day=seal["date"], zone=seal["zone"], entries=seal["entries"]
                ),
                _("Digest: {digest}").format(digest=digest),
                _("Keep this message: sop verify --digest '{day} {digest}' checks the journal against it.").format(
                    day=seal["date"], digest=seal["digest"]
                ),
            ]
        )
    head = f"{notice.number} ({notice.sop_id})"
    if notice.event == Event.CLOSED:
        return _("{complaint} closed: {outcome}.").format(complaint=head, outcome=status_label(notice.outcome or ""))
    kegiatan = notice.kegiatan or ""
    if len(kegiatan) > KEGIATAN_SHOWN:
        kegiatan = kegiatan[: KEGIATAN_SHOWN - 1].rstrip() + "…"
    what = {
        Event.NEW: _("New complaint {complaint}"),
        Event.HANDED_ON: _("Handed on to you: {complaint}"),
        Event.REMINDER: _("Reminder ({threshold}): {complaint}"),
        Event.ESCALATION: _("ESCALATION ({threshold}): {complaint}"),
    }[notice.event].format(complaint=head, threshold=_threshold(notice.threshold))
    lines = [what, _("Step {step}: {kegiatan}").format(step=notice.step, kegiatan=kegiatan)]
    lines.append(_("Acting: {who}").format(who=notice.who))
    if notice.due_at is not None and notice.minutes_left is not None:
        if notice.minutes_left < 0:
            left = _("LATE by {late}").format(late=format_minutes(-notice.minutes_left, notice.day_minutes))
        else:
            left = _("{left} left").format(left=format_minutes(notice.minutes_left, notice.day_minutes))
        lines.append(_("Due {due} ({left}, working time)").format(due=local(notice.due_at, tz), left=left))
    lines.append(f"→ sop next {notice.number}")
    return "\n".join(lines)


def report_message(title: str, period, digests) -> tuple[str, str]:
    """A report's message: what it is, that the page is attached, and the seal digest of each sealed day."""
    days = f"{period.first:%d/%m/%Y}" + ("" if period.first == period.last else f" – {period.last:%d/%m/%Y}")
    lines = [_("{title}, {days}: the report is attached as an HTML page.").format(title=title, days=days), ""]
    if digests:
        lines.append(_("Seal digests (sop verify --digest 'DATE DIGEST' checks the journal against them):"))
        lines += [f"{day.isoformat()} {digest}" for day, digest in sorted(digests.items())]
    else:
        lines.append(_("No day of the period is sealed yet."))
    return f"{title} {days}", "\n".join(lines) + "\n"


def _threshold(text: str | None) -> str:
    """``75%`` as it is; ``1 jam`` as "1 jam before the deadline"."""
    if not text or text.endswith("%"):
        return text or ""
    return _("{time} before the deadline").format(time=text)


def _line(notice) -> str:
    """A notice in one line, as ``sop notify`` reports it."""
    from sopcli.domain.alerts import EVENT_LABELS

    what = _(EVENT_LABELS[notice.event])
    if notice.threshold:
        what += f" {_threshold(notice.threshold)}"
    if notice.event == Event.SEAL:
        return f"{what} {notice.seal['date']}"
    at_step = _("step {step}: ").format(step=notice.step) if notice.step else ""
    return f"{notice.number} {at_step}{what}"


def print_result(result, dry_run: bool, tz) -> None:
    """What a run sent (or would send), to whom, and what failed or waits: the message lines on stdout, the
    failures and the summary on stderr."""
    import typer

    from sopcli.config import masked_address
    from sopcli.i18n import format_number

    failed = {id(message): reason for message, reason in result.failed}
    for message in result.messages:
        where = f"{message.recipient} ({masked_address(message.address)})"
        if dry_run:
            typer.echo(_("Would send to {where}:").format(where=where))
        elif id(message) in failed:
            typer.echo(
                _("NOT SENT to {where}: {reason}; the next run tries again").format(
                    where=where, reason=failed[id(message)]
                ),
                err=True,
            )
            continue
        else:
            typer.echo(_("Sent to {where}:").format(where=where))
        for notice in message.notices:
            typer.echo(f"  {_line(notice)}")
    notices = sum(len(m.notices) for m in result.messages)
    if not result.messages:
        typer.echo(_("Nothing to send."), err=True)
    elif dry_run:
        typer.echo(
            _("{messages} messages ({notices} notices) would be sent; nothing was sent or written.").format(
                messages=format_number(len(result.messages)), notices=format_number(notices)
            ),
            err=True,
        )
    if result.held:
        typer.echo(
            _("{n} notices wait for office hours (from {opens}).").format(
                n=format_number(result.held), opens=local(result.opens_at, tz)
            ),
            err=True,
        )
    if result.unreachable:
        typer.echo(
            _(
                "No address for {parties}: set one with sop config set notify.NAME URL or sop operator add --notify."
            ).format(parties=", ".join(sorted(result.unreachable))),
            err=True,
        )


def result_json(result, dry_run: bool, tz) -> dict:
    """The run for scripts: every message with its notices and whether it went; addresses masked."""
    from sopcli.config import masked_address

    failed = {id(message): reason for message, reason in result.failed}

    def status(message) -> str:
        if dry_run:
            return "would_send"
        return "failed" if id(message) in failed else "sent"

    return {
        "dry_run": dry_run,
        "looked_at": result.looked_at,
        "messages": [
            {
                "recipient": message.recipient,
                "address": masked_address(message.address),
                "kind": message.kind,
                "status": status(message),
                "reason": failed.get(id(message)),
                "notices": [
                    {
                        "event": str(n.event),
                        "number": n.number,
                        "sop": n.sop_id,
                        "step": n.step,
                        "threshold": n.threshold,
                        "due_at": n.due_at.astimezone(tz).isoformat() if n.due_at else None,
                        "minutes_left": None if n.minutes_left is None else round(n.minutes_left),
                        "seal": dict(n.seal) if n.seal else None,
                    }
                    for n in message.notices
                ],
            }
            for message in result.messages
        ],
        "held": result.held,
        "opens_at": result.opens_at.astimezone(tz).isoformat() if result.opens_at else None,
        "unreachable": sorted(result.unreachable),
    }
