"""Casework commands: new, next, note, pause, resume, cancel, correct, undo, reopen, transfer, show, list, due,
verify.

Each parses its options, calls one service, and renders the result. Prompts
appear only when standard input is a terminal and a needed value was not
given as an option; otherwise a missing value is an error naming the option.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from sopcli.cli.options import AsOption, AtOption, JsonOption, NoPagerOption, format_option
from sopcli.cli.state import runtime_of
from sopcli.domain.vocabulary import Action, Status

# Rows `sop list` shows in a table unless told otherwise: a screenful or two, the oldest (most urgent) first.
LIST_LIMIT = 100
LIST_LIMIT_MAX = 1_000_000_000  # beyond any logbook, and within what SQLite's LIMIT takes

# Answers to a yes/no question, in either language.
YES = {"y", "ya", "yes"}
NO = {"n", "t", "tidak", "no"}
NumberArgument = Annotated[
    str,
    typer.Argument(
        help="Complaint number: ADU-2026-00042, or 2026-42, or 42 for this year's; or the complaint's ref.",
        metavar="NUMBER",
    ),
]


def _operator(rt, given: str | None) -> str:
    return rt.operator(given)


class Questions:
    """Prompts at the runtime's terminal; without one, a missing value is an error naming its option.

    Prompts go to standard error (to standard output only when that alone is the screen), never
    into a redirected standard output: ``sop next N > out.txt`` shows its questions, and ``--json``
    (``asking=False``) never asks: its output is JSON alone, and every value comes as an option.
    """

    def __init__(self, terminal, *, asking: bool = True) -> None:
        self.terminal = terminal
        self.asking = asking

    @property
    def interactive(self) -> bool:
        return self.asking and self.terminal.stdin_is_tty

    @property
    def on_stderr(self) -> bool:
        """Where the prompts (and the step card they are about) are written."""
        return self.terminal.stderr_is_tty or not self.terminal.stdout_is_tty

    def console(self):
        from sopcli.present.render import console

        return console(stderr=self.on_stderr, terminal=self.terminal)

    def ask(
        self,
        label: str,
        option: str,
        *,
        choices: list[str] | None = None,
        default: str | None = None,
        resolve: Callable[[str], Any] | None = None,
    ) -> Any:
        """The answer typed at the terminal; with ``resolve``, what it makes of the answer (Enter: of the
        default), asking again when it raises ``InputError``.

        Raises:
            InputError: no terminal to ask at: ``option`` is required.
        """
        from sopcli.errors import InputError
        from sopcli.i18n import _

        if not self.interactive:
            if not self.asking:
                raise InputError(_("{option} is required with --json").format(option=option))
            raise InputError(_("{option} is required when not at a terminal").format(option=option))
        from rich.text import Text

        prompt, _confirm = _prompts(resolve)
        shown = Text(label)  # an SOP's question or a field's meaning, shown as written (rich reads a str as markup)
        with _end_of_input_stops():
            if default == "":  # optional: Enter leaves it empty, and rich would show "()"
                value = prompt.ask(shown, choices=choices, default="", show_default=False, console=self.console())
            elif default is not None:
                value = prompt.ask(shown, choices=choices, default=default, console=self.console())
            else:
                while True:  # required: Enter alone asks again
                    value = prompt.ask(shown, choices=choices, console=self.console())
                    if value.strip():
                        break
                    self.console().print("[prompt.invalid]" + _("An answer is needed (Ctrl+C stops without saving)."))
        # rich hands back the default as it is when Enter is pressed; an answer is already resolved
        return resolve(value) if resolve is not None and value == default else value

    def confirm(self, question: str, default: bool = True) -> bool:
        from rich.text import Text

        _prompt, confirm = _prompts()
        with _end_of_input_stops():
            return confirm.ask(Text(question), default=default, console=self.console())


@contextmanager
def _end_of_input_stops():
    """Ctrl+D at a prompt stops the command, as Ctrl+C does: nothing is saved."""
    try:
        yield
    except EOFError:
        raise typer.Abort() from None


def _prompts(resolve: Callable[[str], Any] | None = None):
    """rich's Prompt and Confirm, speaking the interface language; Confirm takes ya/tidak as well as y/n.

    With ``resolve``, the Prompt returns what ``resolve`` makes of the answer, and asks again, saying why,
    when it raises ``InputError`` (the choices shown are then a guide, not the only answers taken).
    """
    from rich.markup import escape
    from rich.prompt import Confirm, InvalidResponse, Prompt

    from sopcli.errors import InputError
    from sopcli.i18n import _

    class LocalPrompt(Prompt):
        validate_error_message = "[prompt.invalid]" + _("Please enter a valid value")
        illegal_choice_message = "[prompt.invalid.choice]" + _("Please choose one of the options shown")

        def process_response(self, value: str):
            if resolve is None:
                return super().process_response(value)
            try:
                return resolve(value.strip())
            except InputError as exc:
                raise InvalidResponse("[prompt.invalid]" + escape(str(exc))) from None

    class LocalConfirm(Confirm):
        validate_error_message = "[prompt.invalid]" + _("Please answer y (yes) or n (no)")
        choices = [_("y"), _("n")]

        def process_response(self, value: str) -> bool:
            answer = value.strip().lower()
            if answer in YES:
                return True
            if answer in NO:
                return False
            raise InvalidResponse(self.validate_error_message)

    return LocalPrompt, LocalConfirm


def _emit(view, rt, as_json: bool, done: str | None = None) -> None:
    """The complaint as JSON for scripts, or ``done`` (a confirmation) for people."""
    from sopcli.present import render

    if as_json:
        render.print_json(view.to_json(rt.zone))
    elif done:
        typer.echo(done)


def new(
    ctx: typer.Context,
    sop: Annotated[
        str | None, typer.Option("--sop", help="SOP id (see 'sop sops list') or a .toml file.", metavar="ID|FILE")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", "-d", help="What is wrong, in the reporter's words.")
    ] = None,
    reporter: Annotated[str | None, typer.Option("--reporter", help="Who reported it.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The reporting SKPD/OPD or directorate.")] = None,
    system: Annotated[str | None, typer.Option("--system", help="The affected application, database or link.")] = None,
    host: Annotated[str | None, typer.Option("--host", help="Node or server, if known.")] = None,
    channel: Annotated[
        str | None,
        typer.Option(
            "--channel",
            help="surat, telepon, email, whatsapp, monitoring, langsung, web or lainnya (wa, telp, surel, datang and "
            "the like are understood).",
        ),
    ] = None,
    priority: Annotated[str | None, typer.Option("--priority", help="rendah, sedang, tinggi or kritis.")] = None,
    received_at: Annotated[
        str | None, typer.Option("--received-at", help="When the complaint came in (default now).", metavar="WHEN")
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option("--ref", help="External reference (letter or ticket number); unique.", metavar="EXTERNAL_REF"),
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a complaint (pengaduan gangguan) and show its first step.

    Example: sop new --sop kaltim-db --description "Database SIMPEG tidak bisa diakses" --reporter "Budi" --unit "BKD" --system SIMPEG --channel telepon --priority tinggi
    """
    from sopcli.i18n import _
    from sopcli.present.casefmt import print_card
    from sopcli.services import cases

    rt = runtime_of(ctx)
    operator = _operator(rt, actor)
    when = rt.parse_when(received_at) if received_at is not None else None
    if channel is not None:  # a wrong word refused now, not after every other answer has been typed
        channel = cases.normalise_channel(channel)
    rt.database.refuse_if_read_only()  # before any question: the answers could not be saved
    questions = Questions(rt.terminal, asking=not as_json)
    ask = questions.interactive
    sop = sop or _choose_sop(rt, questions)
    if received_at is None and ask:
        when = questions.ask(
            _("Received when (Enter: now)"), "--received-at", default="", resolve=lambda text: _moment(rt, text)
        )
    if ref is None and ask:
        ref = questions.ask(_("Ref: letter or ticket number (optional)"), "--ref", default="")
    new_complaint = cases.NewComplaint(
        sop=sop,
        description=description or questions.ask(_("Description of the disruption"), "--description"),
        reporter=reporter or questions.ask(_("Reporter"), "--reporter"),
        unit=unit or questions.ask(_("Unit (SKPD/OPD)"), "--unit"),
        system=system or questions.ask(_("Affected system"), "--system"),
        host=host if host is not None or not ask else questions.ask(_("Host/node (optional)"), "--host", default=""),
        channel=channel
        or (
            questions.ask(
                _("Channel"),
                "--channel",
                choices=list(cases.CHANNELS),
                default="telepon",
                resolve=cases.normalise_channel,
            )
            if ask
            else "telepon"
        ),
        priority=priority
        or (
            questions.ask(_("Priority"), "--priority", choices=list(cases.PRIORITIES), default="sedang")
            if ask
            else "sedang"
        ),
        received_at=when,
        ref=ref,
    )
    view = cases.record_complaint(rt, new_complaint, actor=operator)
    if as_json:
        _emit(view, rt, as_json=True)
        return
    typer.echo(_("Complaint {number} recorded.").format(number=view.number))
    card = cases.step_card(rt, view.number)
    if rt.terminal.watched:
        print_card(card, rt.zone, rt.terminal)
    else:
        from sopcli.present.casefmt import local

        due = local(card.due_at, rt.zone) if card.due_at else "-"
        typer.echo(
            _("Step {id}: {activity} — {who}, due {due}").format(
                id=card.step.id, activity=card.step.kegiatan, who=card.who, due=due
            )
        )
    typer.echo(_("Next: sop next {number}").format(number=view.number))


def _choose_sop(rt, questions: Questions) -> str:
    """The SOP picked from a numbered list at a terminal (Enter: the configured default, or the only SOP);
    without a terminal, the configured default.

    Raises:
        InputError: no terminal and no default: --sop is required.
    """
    from rich.markup import escape

    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.services.cases import pick
    from sopcli.services.settings import sop_choices

    if not questions.interactive:  # the default, or the error naming --sop
        return rt.config.default_sop or questions.ask(_("SOP (number or id)"), "--sop")
    choices, default = sop_choices(rt.config)
    console = questions.console()
    for number, (sop_id, name) in enumerate(choices, 1):
        console.print(f"  {number}. [cyan]{escape(sop_id)}[/]" + (f" — {escape(name)}" if name else ""))
    ids = [sop_id for sop_id, _name in choices]

    def chosen(answer: str) -> str:
        found = pick(answer, ids)
        if found is None:
            raise InputError(_("choose a number from 1 to {last}, or an SOP id").format(last=len(ids)))
        return found

    return questions.ask(_("SOP (number or id)"), "--sop", default=default, resolve=chosen)


def _moment(rt, text: str):
    """A typed moment, parsed and checked as --received-at is; empty: None (now)."""
    from sopcli.services.cases import check_received_at

    if not text.strip():
        return None
    moment = rt.parse_when(text)
    check_received_at(moment, rt.now())
    return moment


def next_step(
    ctx: typer.Context,
    number: NumberArgument,
    decision: Annotated[
        str | None,
        typer.Option("--decision", help="The option taken at a decision step (e.g. ya, tidak).", metavar="OPTION"),
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="A value the step asks for, KEY=VALUE (repeatable).", metavar="KEY=VALUE"),
    ] = None,
    note_text: Annotated[str | None, typer.Option("--note", help="A remark for the journal.")] = None,
    output: Annotated[
        str | None, typer.Option("--output", help="Reference of the output document (letter or form number).")
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            help="The step to complete, when several run at once; refused if the case is not at it.",
            metavar="STEP",
        ),
    ] = None,
    sign_as: Annotated[
        str | None,
        typer.Option("--sign-as", help="The role you sign a jointly signed step off as.", metavar="ROLE"),
    ] = None,
    on_behalf_of: Annotated[
        str | None,
        typer.Option(
            "--on-behalf-of", help="Record an outside party's step for it (atas nama), as IT staff.", metavar="ROLE"
        ),
    ] = None,
    informed: Annotated[
        list[str] | None,
        typer.Option("--informed", help="A party told with the step (repeatable).", metavar="ROLE"),
    ] = None,
    at: AtOption = None,
    actor: AsOption = None,
    show_only: Annotated[
        bool, typer.Option("--show", help="Only show the current step (with --json, as JSON); change nothing.")
    ] = False,
    no_checks: Annotated[
        bool, typer.Option("--no-checks", help="Do not run the step's checks (journaled as skipped).")
    ] = False,
    run_checks: Annotated[
        bool,
        typer.Option(
            "--run-checks",
            help="Without a terminal, run the step's checks and take the decision they propose unless --decision.",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why the decision differs from the one the checks proposed.", metavar="TEXT"),
    ] = None,
    write_documents: Annotated[
        bool,
        typer.Option(
            "--doc", help="Write the documents the step produces (C-03, a laporan) as PDF here once it is done."
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Show the current step of a complaint and complete it.

    On a terminal it asks for the decision, fields, a note and the output
    reference; in scripts give them as options (a decision step needs
    --decision). With --json it never asks: every value comes as an option and
    only JSON is printed. --show shows the step and changes nothing. When
    several steps run at once (parallel branches), --step names the one done;
    a step several roles sign off is signed by each in turn (--sign-as ROLE).
    A step with checks (ping, http, ...) runs them first on a terminal and
    proposes the decision they point to; taking another needs a reason
    (--reason). In scripts --run-checks runs them, --no-checks skips them.

    Example: sop next ADU-2026-00042 --decision ya --note "Server DB dipulihkan" --output "LAP/12/2026"
    """
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.present.casefmt import card_json, print_card
    from sopcli.services import cases

    rt = runtime_of(ctx)
    if show_only:
        completing = (("--decision", decision), ("--field", field), ("--note", note_text), ("--output", output))
        given = [name for name, value in (*completing, ("--at", at)) if value is not None]
        if given:
            raise InputError(
                _("--show only shows the step: {options} would complete it").format(options=", ".join(given)),
                _("leave out --show to complete the step"),
            )
        card = cases.step_card(rt, number, step)
        if as_json:
            from sopcli.present import render

            render.print_json(card_json(card, rt.zone))
        else:
            print_card(card, rt.zone, rt.terminal)
        return
    operator = _operator(rt, actor)
    when = rt.parse_when(at) if at else None
    fields = cases.parse_field_options(field or [])
    card = cases.step_card(rt, number, step)
    questions = Questions(rt.terminal, asking=not as_json)
    if card.other_steps and step is None and questions.interactive:  # several at once: which one was done
        at_steps = [card.step.id, *card.other_steps]
        step = questions.ask(
            _("Several steps run at once ({ids}); which one is done?").format(ids=", ".join(at_steps)),
            "--step",
            choices=at_steps,
            resolve=_one_of(at_steps),
        )
        card = cases.step_card(rt, number, step)
    if questions.interactive:  # the card is what the questions are about: it goes where they go
        print_card(card, rt.zone, rt.terminal, stderr=questions.on_stderr)
    elif not as_json and rt.terminal.stdout_is_tty:
        print_card(card, rt.zone, rt.terminal)
    rt.database.refuse_if_read_only()  # the step can be seen, not completed; say so before any question
    if card.to_sign and sign_as is None and questions.interactive and len(card.to_sign) > 1:
        sign_as = questions.ask(
            _("Sign step {id} off as").format(id=card.step.id),
            "--sign-as",
            choices=list(card.to_sign),
            resolve=_one_of(list(card.to_sign)),
        )
    current = card.step
    if questions.interactive:  # a refusal now, not after every answer has been typed
        cases.check_may_complete(
            rt, card.case.number, actor=operator, step=step or current.id, on_behalf_of=on_behalf_of
        )
    proposed = None
    if not card.last_signature:  # an earlier signature: the decision and the rest come with the last
        if questions.interactive:
            if note_text is None:
                note_text = questions.ask(_("Note (optional)"), "--note", default="")
            if not questions.confirm(_("Sign step {id} off?").format(id=current.id)):
                typer.echo(_("Nothing saved."), err=True)
                raise typer.Exit(1)
    else:
        if no_checks and run_checks:
            raise InputError(_("--no-checks and --run-checks say opposite things"), _("give one of them"))
        if current.checks and (no_checks or run_checks or questions.interactive):
            proposed = _step_checks(
                rt, card, operator, step, skip=no_checks, show=not as_json, on_stderr=questions.on_stderr
            )
        if current.decision and decision is None:
            if not questions.interactive and proposed is not None:
                decision = proposed
            if not questions.interactive:
                card.require_decision(decision)
            decision = decision or questions.ask(
                current.decision.question,
                "--decision",
                choices=card.decision_labels,
                default=proposed,
                resolve=_option_of(card),
            )
        if (
            proposed is not None
            and reason is None
            and questions.interactive
            and card.option_for(decision or "") != proposed
        ):
            reason = questions.ask(
                _("The checks proposed {proposed}; why {taken}?").format(proposed=proposed, taken=decision), "--reason"
            )
        asked = False
        for spec in current.fields:
            if spec.key not in fields and questions.interactive:
                fields[spec.key] = _ask_field(questions, spec)
                asked = True
        if questions.interactive and note_text is None:
            note_text = questions.ask(_("Note (optional)"), "--note", default="")
            asked = True
        if questions.interactive and output is None and current.output:
            output = questions.ask(
                _("Output reference: {output} (optional)").format(output=current.output), "--output", default=""
            )
            asked = True
        if asked or (current.decision and questions.interactive):
            if not questions.confirm(_("Save step {id} as done?").format(id=current.id)):
                typer.echo(_("Nothing saved."), err=True)
                raise typer.Exit(1)
    # The step the operator saw (or named with --step) is the one completed; if
    # someone else finished it meanwhile, the service refuses: "moved on".
    view = cases.advance(
        rt,
        card.case.number,
        actor=operator,
        at=when,
        decision=decision,
        fields=fields,
        note=note_text,
        output=output,
        expected_step=step or current.id,
        step_id=step,
        signing_as=sign_as,
        on_behalf_of=on_behalf_of,
        informed=informed or (),
        proposed=proposed,
        override_reason=reason,
    )
    if as_json:
        _emit(view, rt, as_json=True)
    else:
        _report_progress(view, card)
    if card.last_signature and current.dokumen and (write_documents or questions.interactive):
        _offer_documents(rt, card, decision, operator, ask=None if write_documents else questions)


def _offer_documents(rt, card, decision: str | None, operator: str, ask) -> None:
    """Write the documents the step just done produces (those of the decision taken), asking first at a terminal.

    A PDF needs WeasyPrint; without it the document is written as HTML, to print from a browser.
    """
    from sopcli.cli.outputs import write_document
    from sopcli.errors import NotInstalled
    from sopcli.i18n import _

    sop_step = card.step
    taken = card.option_for(decision or "") if sop_step.decision else None
    for document_id in sop_step.dokumen:
        template = card.sop.document(document_id)
        if template is None or (template.keputusan and (taken or "").lower() != template.keputusan.lower()):
            continue
        if ask is not None and not ask.confirm(
            _("Write {id} ({title}) now?").format(id=template.id, title=template.judul)
        ):
            continue
        try:
            write_document(rt, card.case.number, template.id, "pdf", None, actor=operator)
        except NotInstalled:
            write_document(rt, card.case.number, template.id, "html", None, actor=operator)


def _step_checks(rt, card, operator: str, step: str | None, *, skip: bool, show: bool, on_stderr: bool) -> str | None:
    """Run (or, with ``skip``, journal as skipped) the card's step's checks, a line each; the option proposed."""
    from sopcli.present.checks import CheckProgress
    from sopcli.services.checks import run_checks

    progress = CheckProgress(rt.terminal, stderr=on_stderr) if show else None
    run = run_checks(
        rt,
        card.case.number,
        actor=operator,
        step_id=step or card.step.id,
        skip=skip,
        on_start=progress.started if progress else None,
        on_result=progress.finished if progress else None,
    )
    if progress:
        progress.proposal(run)
    return run.proposed


def _one_of(choices: list[str]) -> Callable[[str], str]:
    """An answer as one of ``choices`` (the word, its number or its first letters)."""
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.services.cases import pick

    def chosen(answer: str) -> str:
        found = pick(answer, choices)
        if found is None:
            raise InputError(_("choose one of: {choices}").format(choices=", ".join(choices)))
        return found

    return chosen


def _option_of(card) -> Callable[[str], str]:
    """What an answer to the card's decision stands for: ``y``/``t``, an option's number or its first letters."""
    from sopcli.errors import InputError
    from sopcli.i18n import _

    def option(answer: str) -> str:
        label = card.option_for(answer)
        if label is None:
            raise InputError(
                _("choose {options}: the word, its number or its first letters").format(
                    options=" / ".join(card.decision_labels)
                )
            )
        return label

    return option


def _ask_field(questions: Questions, spec) -> str:
    """Ask for a step's field until the answer is valid (or left empty when optional)."""
    from sopcli.domain.engine import check_field_value
    from sopcli.errors import InputError

    while True:
        value = questions.ask(
            f"{spec.meaning} ({spec.key})", f"--field {spec.key}=…", default=None if spec.required else ""
        )
        if not value.strip() and not spec.required:
            return value
        try:
            return check_field_value(spec.key, spec.type, value.strip())
        except InputError as exc:
            from rich.text import Text

            questions.console().print(Text(str(exc), style="red"))


def _report_progress(view, card) -> None:
    from sopcli.definitions.schema import HANDED_TO, SIGNED_AS
    from sopcli.i18n import _
    from sopcli.present.casefmt import took_text
    from sopcli.present.labels import status_label

    last = next(e for e in reversed(view.journal) if e.action in (Action.STEP, Action.APPROVE))  # not who was told
    if last.action == Action.APPROVE:
        signed = last.fields[SIGNED_AS]
        waiting = [card.sop.role_name(role) for role in card.to_sign if role != signed]
        typer.echo(
            _("Step {id} signed off as {role}; still to sign: {waiting}.").format(
                id=last.step, role=card.sop.role_name(signed), waiting=", ".join(waiting)
            )
        )
        return
    timing = took_text(last.took_minutes, last.standard_minutes, last.on_time, last.day_minutes or view.day_minutes)
    typer.echo(
        _("Step {id} done{decision}.").format(id=last.step, decision=f" ({last.decision})" if last.decision else "")
        + (f" {timing}" if timing else "")
    )
    if HANDED_TO in last.fields:
        typer.echo(
            (
                _("{number} handed to {linked}; it waits until {linked} closes.")
                if view.paused_since
                else _("{number} handed to {linked}.")
            ).format(number=view.number, linked=last.fields[HANDED_TO])
        )
    if view.status == Status.OPEN and len(view.step_deadlines) > 1:
        typer.echo(
            _("{number} is now at steps {steps}, run at once: sop next {number} --step ID").format(
                number=view.number, steps=", ".join(view.step_deadlines)
            )
        )
    elif view.status == Status.OPEN:
        typer.echo(
            _("{number} is now at step {step}: sop next {number}").format(number=view.number, step=view.current_step)
        )
    else:
        typer.echo(_("{number} is closed: {status}.").format(number=view.number, status=status_label(view.status)))


def note(
    ctx: typer.Context,
    number: NumberArgument,
    text: Annotated[str, typer.Argument(help="The remark.", metavar="TEXT")],
    at: AtOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a remark to a complaint's journal without advancing it.

    Example: sop note ADU-2026-00042 "Pelapor dihubungi, menunggu akses VPN"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    view = cases.add_note(rt, number, text, actor=_operator(rt, actor), at=rt.parse_when(at) if at else None)
    _emit(view, rt, as_json, _("Note added to {number}.").format(number=view.number))


def inform(
    ctx: typer.Context,
    number: NumberArgument,
    party: Annotated[
        str, typer.Argument(help="The party told: a role of the complaint's SOP, by key or name.", metavar="ROLE")
    ],
    via: Annotated[
        str | None, typer.Option("--via", help="How they were told (telepon, surat, e-mail, WhatsApp).")
    ] = None,
    note_text: Annotated[str | None, typer.Option("--note", help="A remark for the journal.")] = None,
    at: AtOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record that a party the SOP names (diinformasikan) was told of a complaint.

    Example: sop inform ADU-2026-00042 direktorat_teknis --via surat --note "Nota dinas 12/XI/2026"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    when = rt.parse_when(at) if at else None
    view = cases.inform(rt, number, party, actor=_operator(rt, actor), via=via, note=note_text, at=when)
    told = view.journal[-1].fields.get("party", party)
    _emit(view, rt, as_json, _("Recorded: {party} was told of {number}.").format(party=told, number=view.number))


def pause(
    ctx: typer.Context,
    number: NumberArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", help="What the case waits for (reporter, vendor, part).")
    ] = None,
    at: AtOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Pause a complaint: the waiting time does not count against deadlines.

    Example: sop pause ADU-2026-00042 --reason "Menunggu suku cadang dari vendor"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    reason = reason or Questions(rt.terminal, asking=not as_json).ask(_("Reason for the pause"), "--reason")
    view = cases.pause(rt, number, reason, actor=_operator(rt, actor), at=rt.parse_when(at) if at else None)
    _emit(view, rt, as_json, _("{number} paused; the clock is stopped.").format(number=view.number))


def resume(
    ctx: typer.Context,
    number: NumberArgument,
    note_text: Annotated[str | None, typer.Option("--note", help="A remark for the journal.")] = None,
    at: AtOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resume a paused complaint; its deadline moves by the paused working time.

    Example: sop resume ADU-2026-00042
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    view = cases.resume(rt, number, actor=_operator(rt, actor), at=rt.parse_when(at) if at else None, note=note_text)
    _emit(view, rt, as_json, _("{number} resumed.").format(number=view.number))


def cancel(
    ctx: typer.Context,
    number: NumberArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why: a duplicate, withdrawn by the reporter, ...")
    ] = None,
    at: AtOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cancel a complaint (duplicate or withdrawn); it closes as cancelled.

    Example: sop cancel ADU-2026-00042 --reason "Duplikat ADU-2026-00041"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    if not reason:
        questions = Questions(rt.terminal, asking=not as_json)
        reason = questions.ask(_("Reason for cancelling"), "--reason")
        # Typed at a terminal: a mistyped number would close someone else's complaint for good.
        case = cases.show(rt, number)
        question = _("Cancel {number} ({unit}: {description})?").format(
            number=case.number, unit=case.unit, description=_shorten(case.description, 60)
        )
        if not questions.confirm(question, default=False):
            typer.echo(_("Nothing saved."), err=True)
            raise typer.Exit(1)
    view = cases.cancel(rt, number, reason, actor=_operator(rt, actor), at=rt.parse_when(at) if at else None)
    _emit(view, rt, as_json, _("{number} cancelled.").format(number=view.number))


ReasonOption = Annotated[str, typer.Option("--reason", help="Why: the mistake this puts right (required).")]


def correct(
    ctx: typer.Context,
    number: NumberArgument,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="A detail and its right value, NAME=VALUE (repeatable): reporter, unit, system, host, channel, "
            "priority, description, ref.",
            metavar="NAME=VALUE",
        ),
    ] = None,
    reason: ReasonOption = "",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Correct a complaint's details; the journal keeps the old and the new value.

    Example: sop correct ADU-2026-00042 --field unit="Dinas Kesehatan" --reason "salah ketik unit"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    changes = cases.parse_field_options(field or [])
    view = cases.correct(rt, number, changes, reason, actor=_operator(rt, actor))
    _emit(view, rt, as_json, _("{number} corrected.").format(number=view.number))


def undo(
    ctx: typer.Context,
    number: NumberArgument,
    reason: ReasonOption = "",
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Undo the last step or decision; the case is back at that step, the undone entry stays in the journal.

    Example: sop undo ADU-2026-00042 --reason "keputusan salah, ping belum dicoba"
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    view = cases.undo(rt, number, reason, actor=_operator(rt, actor))
    _emit(view, rt, as_json, _("{number} is back at step {step}.").format(number=view.number, step=view.current_step))


def reopen(
    ctx: typer.Context,
    number: NumberArgument,
    reason: ReasonOption = "",
    at_step: Annotated[
        str | None, typer.Option("--step", help="The step to reopen at (default: the step it closed at).", metavar="ID")
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reopen a closed complaint (resolved, rejected or cancelled) at a step; its clock starts now.

    Example: sop reopen ADU-2026-00042 --reason "gangguan muncul lagi" --step 5
    """
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    view = cases.reopen(rt, number, reason, actor=_operator(rt, actor), step=at_step)
    _emit(view, rt, as_json, _("{number} reopened at step {step}.").format(number=view.number, step=view.current_step))


def transfer(
    ctx: typer.Context,
    number: NumberArgument,
    sop: Annotated[
        str,
        typer.Option(
            "--sop", help="The SOP it should follow: an id (see 'sop sops list') or a .toml file.", metavar="ID|FILE"
        ),
    ] = "",
    reason: ReasonOption = "",
    at_step: Annotated[
        str | None, typer.Option("--step", help="The step to start at (default: the SOP's first).", metavar="ID")
    ] = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move a complaint started under the wrong SOP to another; it starts at that SOP's first step now.

    Example: sop transfer ADU-2026-00042 --sop tanahbumbu-jaringan --reason "gangguan jaringan, bukan database"
    """
    from sopcli.errors import InputError
    from sopcli.i18n import _
    from sopcli.services import cases

    rt = runtime_of(ctx)
    if not sop.strip():
        raise InputError(_("--sop is empty"), _("give --sop ID"))
    view = cases.transfer(rt, number, sop, reason, actor=_operator(rt, actor), step=at_step)
    _emit(
        view,
        rt,
        as_json,
        _("{number} now follows {sop}, at step {step}.").format(
            number=view.number, sop=view.sop_id, step=view.current_step
        ),
    )


def show(
    ctx: typer.Context, number: NumberArgument, as_json: JsonOption = False, no_pager: NoPagerOption = False
) -> None:
    """Show a complaint and its whole timeline, with time taken against each standard.

    Example: sop show ADU-2026-00042
    """
    from sopcli.present.casefmt import print_case
    from sopcli.present.pager import paged
    from sopcli.services import cases

    rt = runtime_of(ctx)
    view = cases.show(rt, number)
    if as_json:
        _emit(view, rt, as_json=True)
        return
    with paged(rt.terminal, not no_pager):
        print_case(view, rt.zone, rt.terminal)


def list_complaints(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help=(
                "open, resolved, no_fault_found, referred, rejected, cancelled or all (or in Indonesian: terbuka, "
                "selesai, 'tidak ditemukan gangguan', dirujuk, ditolak, dibatalkan, semua)."
            ),
        ),
    ] = "open",
    sop: Annotated[str | None, typer.Option("--sop", help="Only this SOP id.", metavar="ID")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open complaints past their step's deadline.")
    ] = False,
    mine: Annotated[bool, typer.Option("--mine", help="Only complaints you have acted on.")] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Only complaints received since WHEN.", metavar="WHEN")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="urgency: the latest past their deadline first, then the least time left, then those without "
            "a deadline; received: oldest first; number.",
            metavar="ORDER",
        ),
    ] = "urgency",
    actor: AsOption = None,
    as_json: JsonOption = False,
    fmt: Annotated[str | None, format_option("table, plain, markdown, csv or json.")] = None,
    no_pager: NoPagerOption = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            max=LIST_LIMIT_MAX,
            metavar="N",
            help=f"At most N complaints, the first in --sort's order; 0 for all (default {LIST_LIMIT} in a table, "
            "all in csv or json).",
        ),
    ] = None,
) -> None:
    """List complaints, the most urgent first, with priority, description, step, who acts and time left.

    Example: sop list --overdue
    """
    from sopcli.cli.options import choose_format
    from sopcli.i18n import _, format_number
    from sopcli.present import render
    from sopcli.present.casefmt import local
    from sopcli.present.labels import parse_status, status_label
    from sopcli.present.pager import paged
    from sopcli.present.render import CUT, KEEP, Column
    from sopcli.services import cases

    rt = runtime_of(ctx)
    fmt = choose_format(fmt, render.FORMATS, rt.terminal)
    order = cases.list_order(sort)
    filters: dict[str, Any] = dict(
        sop=sop,
        overdue=overdue,
        mine=_operator(rt, actor) if mine else None,
        since=rt.parse_when(since) if since else None,
    )
    filters["status"] = parse_status(status, allow_all=True)  # after the others: the order errors come in
    for_scripts = as_json or fmt in ("json", "csv")
    if limit is None:
        limit = 0 if for_scripts else LIST_LIMIT
    rows = cases.list_cases(rt, **filters, limit=limit or None, order=order)
    keys = [
        "number",
        "sop",
        "status",
        "received_at",
        "unit",
        "system",
        "current_step",
        "step",
        "who",
        "due_at",
        "overdue",
        "paused",
        "priority",
        "description",
        "minutes_left",
        "minutes_late",
    ]

    def local_time(moment):
        return moment.astimezone(rt.zone) if moment else None

    def minutes(value):
        return None if value is None else round(value, 2)

    data = [
        [
            r.number,
            r.sop_id,
            r.status,
            local_time(r.received_at),
            r.unit,
            r.system,
            r.current_step,
            r.step_name,
            r.who,
            local_time(r.due_at),
            r.overdue,
            r.paused,
            r.priority,
            r.description,
            minutes(r.minutes_left),
            minutes(-r.minutes_left) if r.minutes_left is not None and r.minutes_left < 0 else None,
        ]
        for r in rows
    ]
    if as_json or fmt == "json":
        render.print_json([dict(zip(keys, row)) for row in data])
        return
    if fmt == "csv":
        render.print_table(render.Table(columns=keys, rows=data), "csv")
        return
    if not rows:
        typer.echo(_("No complaints."), err=True)
        return
    table_rows = [
        [
            r.number,
            r.priority,
            r.sop_id,
            local(r.received_at, rt.zone),
            r.unit,
            r.system,
            _shorten(" ".join(r.description.split()), 40),
            (f"{r.current_step}. {_shorten(r.step_name)}" if r.step_name else r.current_step)
            if r.current_step
            else status_label(r.status),
            r.who or "",
            local(r.due_at, rt.zone) if r.due_at else "-",
            _time_left(r),
        ]
        for r in rows
    ]
    # At 80 columns: number, priority, what it is about, step and time left; the others drop out, Received first.
    columns = [
        Column(_("Number"), KEEP),
        Column(_("Priority"), KEEP, drop=8),
        Column(_("SOP"), KEEP, drop=4),
        Column(_("Received"), KEEP, drop=1),
        Column(_("Unit"), CUT, drop=2),
        Column(_("System"), CUT, drop=3),
        Column(_("Description"), CUT, drop=7),  # the one to shrink first: shown whole by 'sop show'
        Column(_("Step"), CUT, min_width=14),
        Column(_("Who acts"), CUT, drop=6, min_width=12),
        Column(_("Due"), KEEP, drop=5),
        Column(_("Time left"), KEEP),
    ]
    late_column = 10
    with paged(rt.terminal, not no_pager):
        render.print_table(
            render.Table(
                columns=columns,
                rows=table_rows,
                cell_styles={(i, late_column): "bold red" for i, r in enumerate(rows) if r.overdue},
                wrap={6: 40, 7: 40, 8: 24},
            ),
            fmt,
            terminal=rt.terminal,
        )
    if limit and len(rows) == limit and (total := cases.count_cases(rt, **filters)) > limit:
        shown = {
            "urgency": _("Showing the {shown} most urgent of {total} complaints; --limit 0 shows them all."),
            "received": _("Showing the {shown} oldest of {total} complaints; --limit 0 shows them all."),
            "number": _("Showing the first {shown} of {total} complaints; --limit 0 shows them all."),
        }[order]
        typer.echo(shown.format(shown=format_number(limit), total=format_number(total)), err=True)


def _time_left(row) -> str:
    """The working time left to the deadline, or how late it is, in words (late shows without colour too),
    to the two largest units: the queue is read at a glance, 'sop show' gives the minute."""
    from sopcli.i18n import _

    if row.paused:
        return _("paused")
    if row.minutes_left is None:
        return "-"
    return _left_or_late(row.minutes_left, row.overdue, row.day_minutes)


def _left_or_late(minutes_left: float, late: bool, day_minutes: int) -> str:
    from sopcli.i18n import _
    from sopcli.worktime.parse import format_minutes

    if late:  # past the deadline by less than a working minute (after hours): late all the same
        late_by = -minutes_left
        return _("LATE") + (" " + format_minutes(late_by, day_minutes, largest=2) if late_by >= 1 else "")
    return format_minutes(minutes_left, day_minutes, largest=2)


def due(
    ctx: typer.Context,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            help="Late steps and those with at most this much working time left: '30 menit', '2 jam', '1 hari' "
            "(default: due by the end of today's working day).",
            metavar="DURATION",
        ),
    ] = None,
    mine: Annotated[
        bool, typer.Option("--mine", help="Only steps for a pelaksana role you hold (sop operator add).")
    ] = False,
    actor: Annotated[
        str | None,
        typer.Option("--as", help="Only the steps of this operator's roles, as --mine shows them.", metavar="OPERATOR"),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Only steps for this pelaksana role.", metavar="KEY")
    ] = None,
    sop: Annotated[str | None, typer.Option("--sop", help="Only this SOP id.", metavar="ID")] = None,
    as_json: JsonOption = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            max=LIST_LIMIT_MAX,
            metavar="N",
            help=f"At most N steps, those due first; 0 for all (default {LIST_LIMIT} in a table, all in json).",
        ),
    ] = None,
) -> None:
    """Show the open steps that are due, the most urgent first: late ones, then the least working time left.

    One row per step a complaint is at (after a fork, each branch has its own deadline). Paused complaints and
    steps without a time standard are left out.

    Example: sop due --mine --within '2 jam'
    """
    from sopcli.i18n import _, format_number
    from sopcli.present import render
    from sopcli.present.casefmt import local
    from sopcli.present.render import CUT, KEEP, Column
    from sopcli.services.due import due_steps

    rt = runtime_of(ctx)
    operator = rt.operator(actor) if mine or actor is not None else None
    if limit is None:
        limit = 0 if as_json else LIST_LIMIT
    view = due_steps(rt, within=within, operator=operator, role=role, sop=sop, limit=limit or None)
    if as_json:
        render.print_json([step.to_json(rt.zone) for step in view.steps])
        return
    if not view.steps:
        if view.until is not None:
            typer.echo(_("Nothing is late or due by {moment}.").format(moment=local(view.until, rt.zone)), err=True)
        else:
            typer.echo(_("Nothing is late or due within {duration}.").format(duration=within), err=True)
        return
    rows = [
        [
            s.number,
            s.sop_id,
            f"{s.step}. {_shorten(s.kegiatan)}",
            s.who,
            local(s.due_at, rt.zone),
            _left_or_late(s.minutes_left, s.late, s.day_minutes),
        ]
        for s in view.steps
    ]
    columns = [
        Column(_("Number"), KEEP),
        Column(_("SOP"), KEEP, drop=2),
        Column(_("Step"), CUT, min_width=14),
        Column(_("Who acts"), CUT, drop=1, min_width=12),
        Column(_("Due"), KEEP, drop=3),
        Column(_("Time left"), KEEP),
    ]
    render.print_table(
        render.Table(
            columns=columns,
            rows=rows,
            cell_styles={(i, 5): "bold red" for i, s in enumerate(view.steps) if s.late},
            wrap={2: 40, 3: 24},
        ),
        terminal=rt.terminal,
    )
    if view.more:
        typer.echo(
            _("Showing the {shown} steps due first; --limit 0 shows them all.").format(shown=format_number(limit)),
            err=True,
        )


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def verify(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Option(
            "--file", help="Check an exported journal (sop export journal) instead of the database.", metavar="EXPORT"
        ),
    ] = None,
    checkpoint: Annotated[
        list[str] | None,
        typer.Option(
            "--checkpoint",
            help="A checkpoint (its file or its code) the journal must still extend; may be repeated.",
            metavar="FILE|CODE",
        ),
    ] = None,
    witness: Annotated[
        str | None,
        typer.Option(
            "--witness", help="A directory of checkpoint files (a USB stick, a share): check them all.", metavar="DIR"
        ),
    ] = None,
    digest: Annotated[
        str | None,
        typer.Option(
            "--digest",
            help="A day's seal digest as sop notify sent it (the date and the digest): the journal must still hold it.",
            metavar="TEXT",
        ),
    ] = None,
    document: Annotated[
        str | None,
        typer.Option(
            "--document",
            help="A document sop doc wrote (its PDF or HTML file): the journal must hold its very SHA-256.",
            metavar="FILE",
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Walk the whole chain and every sealed day, and run SQLite's quick check of the file "
            "(by default only the entries since the last check are walked).",
        ),
    ] = False,
) -> None:
    """Check the journal's hash chain, every sealed day, and checkpoints kept elsewhere: OK, or what is wrong (exit 1).

    By default only the entries since the last successful check are walked, after that check is proven
    again; --full walks everything (run it weekly). A checkpoint kept elsewhere makes a full walk.

    Example: sop verify --checkpoint titik-periksa-2026-11-24-entri-42.txt --checkpoint 40/ab12-cd34-ef56
    """
    from sopcli.errors import ExitCode, InputError
    from sopcli.i18n import _, format_number
    from sopcli.services import cases

    if file:
        if checkpoint or witness or digest or full:
            raise InputError(
                _("--checkpoint, --witness, --digest and --full check the logbook, not an export: leave out --file")
            )
        from sopcli.domain.chain import verify_chain
        from sopcli.services.exporter import read_journal_export

        checked, broken, problem = verify_chain(read_journal_export(file), partial=True)
        result = cases.VerifyResult(checked, broken, problem)
    else:
        from sopcli.services import checkpoints

        kept_elsewhere = [checkpoints.load(given) for given in checkpoint or ()]
        if witness:
            found, others = checkpoints.witnessed(witness)
            kept_elsewhere += found
            if others:
                typer.echo(_("Not checkpoints, skipped: {names}").format(names=", ".join(others)), err=True)
        result = cases.verify(runtime_of(ctx), kept_elsewhere, full=full)
    rt = runtime_of(ctx)
    if result.tampered is not None:
        head = result.tampered.head
        typer.echo(
            _(
                "TAMPERED: the check of {when} (entry {seq}) no longer holds: {problem}. "
                "Find what changed: sop verify --full, sop db check."
            ).format(when=_when(head.at, rt.zone), seq=format_number(head.seq), problem=result.tampered.problem)
        )
    if result.broken_seq is not None:
        typer.echo(_("BROKEN at journal entry {seq}: {problem}").format(seq=result.broken_seq, problem=result.problem))
    if result.broken_seq is not None or (result.tampered is not None and not result.entries):
        raise typer.Exit(ExitCode.ERROR)
    if result.since is None:
        typer.echo(_("OK: {n} journal entries, chain intact.").format(n=format_number(result.checked)))
    else:
        typer.echo(
            _(
                "OK: chain intact. New journal entries since the check of {when} (entry {seq}): {n}; {total} in all."
            ).format(
                n=format_number(result.checked),
                when=_when(result.since.checked_at, rt.zone),
                seq=format_number(result.since.seq),
                total=format_number(result.entries),
            )
        )
        if result.last_full is None:
            typer.echo(_("No full walk of the chain recorded yet: sop verify --full."))
        else:
            typer.echo(
                _("Last full walk: {day} (sop verify --full).").format(
                    day=result.last_full.astimezone(rt.zone).date().isoformat()
                )
            )
    latest = {check.day: check for check in result.seals}  # oldest first: a day's last seal wins
    for check in latest.values():
        if check.added_after:
            typer.echo(
                _(
                    "{day}: entries recorded after the seal: {n} (not on the signed journal; "
                    "'sop journal seal --date {day}' covers them)"
                ).format(day=check.day.isoformat(), n=check.added_after)
            )
    changed = [c for c in result.seals if not c.unchanged]
    for check in changed:
        typer.echo(
            _("CHANGED after sealing: {day} (entries when sealed: {sealed}, now: {now})").format(
                day=check.day.isoformat(), sealed=check.sealed_entries, now=check.entries_now
            )
        )
    contradicted = [held for held in result.checkpoints if held.problem]
    for held in result.checkpoints:
        if held.problem:
            typer.echo(
                _("NOT EXTENDED: checkpoint {name}: {problem}").format(name=held.named.name, problem=held.problem)
            )
        else:
            typer.echo(
                _("Checkpoint {name}: still extended (entry {seq}).").format(
                    name=held.named.name, seq=held.named.checkpoint.seq
                )
            )
    copy_differs = bool(digest) and not _digest_held(runtime_of(ctx), digest or "")
    if document:
        from sopcli.cli.outputs import check_printed

        copy_differs = not check_printed(runtime_of(ctx), document) or copy_differs
    if changed or contradicted or copy_differs or result.tampered is not None:
        raise typer.Exit(ExitCode.ERROR)


def _when(moment, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _digest_held(rt, text: str) -> bool:
    """Whether the journal's seal of the day still records the digest of the copy sent off the machine."""
    from sopcli.i18n import _
    from sopcli.services.notify import check_digest
    from sopcli.services.seals import recorded_digests

    day, copy = check_digest(text)
    recorded = recorded_digests(rt, day)
    if copy in recorded:
        typer.echo(_("Seal of {day}: the journal holds the digest sent off the machine.").format(day=day.isoformat()))
        return True
    if not recorded:
        typer.echo(_("NO SEAL of {day} in the journal, though a digest of it was sent.").format(day=day.isoformat()))
    else:
        typer.echo(
            _(
                "SEAL DIFFERS: the journal's seal of {day} is {recorded}, the copy sent off the machine is {copy}."
            ).format(day=day.isoformat(), recorded=recorded[-1], copy=copy)
        )
    return False
