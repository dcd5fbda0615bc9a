"""The SOP specification: what an SOP definition file may say.

Follows the national template of Permen PAN-RB 35/2012: an identity sheet,
pelaksana (roles), and the flowchart table of numbered steps with their mutu
baku. Keys are the template's own Indonesian words where it has one.

Models are frozen: a loaded definition never changes. ``extra="forbid"`` makes
a misspelt key an error instead of a silently ignored line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from sopcli import limits
from sopcli.worktime.parse import TimeStandard, parse_duration

OutcomeKind = Literal["resolved", "no_fault_found", "referred", "rejected"]
CalendarKind = Literal["office", "24x7"]
FieldType = Literal["text", "duration", "number"]
Hours = Literal["kerja", "kalender"]  # office hours of the SOP's calendar, or clock hours (24x7)
CheckKind = Literal["ping", "tcp", "http", "dns", "tls", "command"]
JoinKind = Literal["semua", "salah_satu"]  # a join waits for all of a fork's branches, or for the first
RECEIVED = "diterima"  # waktu_sejak: the complaint's receipt
STEP_MOMENTS = ("mulai", "selesai")  # waktu_sejak = "mulai:ID" / "selesai:ID": another step's start or end
PRIORITIES = ("rendah", "sedang", "tinggi", "kritis")  # a complaint's priority: the keys of waktu_prioritas
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"  # an SOP's id
KEY_PATTERN = r"^[a-z0-9_]+$"  # a role's or a field's key


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Outcome(_Frozen):
    """How a case may end (format 2): its id for ``end``, its words, and the kind reports count it as."""

    id: str = Field(min_length=1, pattern=KEY_PATTERN)
    label: str = Field(min_length=1)
    kind: OutcomeKind


# Format 1 has no [[outcomes]]: its two ends are these.
FORMAT1_OUTCOMES = (
    Outcome(id="resolved", label="Selesai", kind="resolved"),
    Outcome(id="rejected", label="Ditolak", kind="rejected"),
)
# The key under which a format-2 closing step's journal entry records its outcome id; no step field may take it.
OUTCOME_FIELD = "outcome"
# The key under which a sign-off's entry records the role signing (persetujuan); reserved likewise.
SIGNED_AS = "sebagai"
# The key under which a step entry records the outside party its step was recorded for ("atas nama"); reserved.
ON_BEHALF = "atas_nama"
# A hand-over to another SOP (serahkan): the handing step's entry names the new complaint, whose received entry
# names the one it came from (and, for a sub-process that returns, says so); reserved likewise.
HANDED_TO, HANDED_FROM, RETURNS = "diteruskan_ke", "berasal_dari", "kembali"
# The keys under which a step entry records the decision its checks proposed, and why the operator took
# another; reserved likewise.
CHECK_PROPOSED = "usul_pemeriksaan"
OVERRIDE_REASON = "alasan_beda_usulan"
# The keys format 1 does not know: a file using them says format = 2.
FORMAT2_KEYS = (
    "outcomes",
    "disusun_oleh",
    "penanggung_jawab",
    "tujuan",
    "pengantar",
    "catatan_transkripsi",
    "dokumen",
)
# The same, of a step.
STEP_FORMAT2_KEYS = (
    "cabang",
    "gabung",
    "persetujuan",
    "checks",
    "diinformasikan",
    "serahkan",
    "reminders",
    "escalate",
    "dokumen",
)
# An escalation's ``to`` may name, beside the SOP's roles: the superior of whoever acts (their role's
# ``atasan``), or the head of office (the configuration's head_of_office recipient).
ESCALATE_SUPERIOR, ESCALATE_HEAD = "atasan", "kepala"
# The complaint's details a check's target may name, written {host}, {system} or {unit}.
CHECK_PLACEHOLDERS = ("host", "system", "unit")
# A step entry that opens a fork names its branches in next_step, joined by this (so no branch id may hold it).
BRANCH_SEPARATOR = ","


class Handover(_Frozen):
    """``serahkan``: when the step is done, the complaint is handed to another SOP as a new, linked complaint.

    With ``kembali`` it is a sub-process that returns: the handing complaint waits (paused) at its next step
    until the new one closes, then goes on by itself.
    """

    sop: str = Field(min_length=1, pattern=ID_PATTERN)
    kembali: bool = False


class Role(_Frozen):
    """A pelaksana lane of the flowchart table."""

    key: str = Field(min_length=1, pattern=KEY_PATTERN)
    nama: str = Field(min_length=1)
    luar: bool = False  # format 2: a party outside the office (a Direktorat Teknis, an SKPD, the user)
    atasan: str | None = None  # format 2: the role this one answers to, whom an escalation reaches


class Escalation(_Frozen):
    """``escalate``: at a threshold of the step's time (``100%``, or ``1 jam`` before its deadline), tell ``to``
    as well as whoever acts: a role key, ``atasan`` (the superior of whoever acts) or ``kepala`` (the head of
    office)."""

    at: str = Field(min_length=1)
    to: str = Field(min_length=1, pattern=KEY_PATTERN)


class DocumentTemplate(_Frozen):
    """``[[dokumen]]`` (format 2): a document a step produces, filled from the complaint's record to print and
    sign: a form (``formulir``: a table of the record's values) or a letter (``surat``: to someone, about
    something). Texts may name the record (``{{ pengaduan.nomor }}``): Jinja2, sandboxed, values escaped."""

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    judul: str = Field(min_length=1)
    jenis: Literal["formulir", "surat"] = "formulir"
    keputusan: str | None = None  # written only when the step's decision was this option (C-02 or C-03)
    kepada: str = ""  # a letter's addressee (Yth. ...)
    perihal: str = ""
    pembuka: str = ""  # the paragraph before the values
    isian: tuple[str, ...] = ()  # the record's values shown, in order: "pengaduan.nomor", "isian.estimasi"
    isi: str = ""  # a body of one's own (HTML) instead of the table of values
    penutup: str = ""
    ttd: tuple[str, ...] = ()  # the roles that sign, left to right
    tembusan: tuple[str, ...] = ()


class Option(_Frozen):
    """One branch of a decision: go to a step, or end the case with an outcome."""

    label: str = Field(min_length=1)
    meaning: str = ""
    goto: str | None = None
    end: str | None = None


class Decision(_Frozen):
    """A belah ketupat: a question with two or more labelled options."""

    question: str = Field(min_length=1)
    options: tuple[Option, ...] = ()

    def option(self, label: str) -> Option | None:
        wanted = label.strip().lower()
        return next((o for o in self.options if o.label.lower() == wanted), None)


class StepField(_Frozen):
    """A value the operator records while doing a step, such as a recovery estimate."""

    key: str = Field(min_length=1, pattern=KEY_PATTERN)
    meaning: str = Field(min_length=1)
    type: FieldType = "text"
    required: bool = True


class Check(_Frozen):
    """A machine check run at a step (format 2): a ping, a TCP connect, an HTTP request, a DNS lookup, a
    certificate's expiry, or a command; its result may propose the step's decision (``pass``/``fail``).

    Targets may name the complaint's details: ``host = "{host}"``. Which keys a kind takes is checked by
    ``validate`` (``CHECK_KEYS``), so a misplaced key is reported with its line.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    kind: CheckKind
    host: str | None = None
    count: int | None = Field(default=None, ge=1, le=20)
    port: int | None = Field(default=None, ge=1, le=65535)
    url: str | None = None
    status: int | None = Field(default=None, ge=100, le=599)
    contains: str | None = None
    timeout: float | None = Field(default=None, gt=0, le=120)
    name: str | None = None
    expect: str | None = None
    type: Literal["A", "AAAA"] | None = None
    days: int | None = Field(default=None, ge=0, le=3650)
    argv: tuple[str, ...] | None = None
    exit_code: int | None = Field(default=None, ge=0, le=255)
    on_pass: str | None = Field(default=None, alias="pass")
    on_fail: str | None = Field(default=None, alias="fail")


# The parameters each kind of check takes (besides kind, timeout, pass and fail); the first are required.
CHECK_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ping": (("host",), ("count",)),
    "tcp": (("host", "port"), ()),
    "http": (("url",), ("status", "contains")),
    "dns": (("name",), ("expect", "type")),
    "tls": (("host",), ("port", "days")),
    "command": (("argv",), ("exit_code",)),
}


class PriorityTimes(_Frozen):
    """``waktu_prioritas``: a time standard per complaint priority; a priority left out takes ``waktu``."""

    rendah: str | None = None
    sedang: str | None = None
    tinggi: str | None = None
    kritis: str | None = None

    def get(self, priority: str | None) -> str | None:
        return getattr(self, priority) if priority is not None and priority in PRIORITIES else None

    def items(self) -> list[tuple[str, str]]:
        """(priority, time text) of the priorities given, most urgent first."""
        return [(p, text) for p in reversed(PRIORITIES) if (text := getattr(self, p)) is not None]


class Step(_Frozen):
    """One numbered activity (uraian kegiatan) of the flowchart table.

    After the step comes ``next`` (default: the following step), or ``end``
    (the case closes with that outcome), or the ``decision``'s options.
    ``waktu_dari`` names a field recorded earlier in the case whose value is
    this step's time standard (the technician's own estimate). The standard
    counts from ``waktu_sejak`` (default: the step's own start; ``diterima``,
    ``mulai:ID`` or ``selesai:ID``) in ``jam`` (``kerja``: the SOP's calendar;
    ``kalender``: clock hours, as regulations counting "1×24 jam" do).
    ``waktu_prioritas`` gives a standard per complaint priority
    (``{ kritis = "30 menit", rendah = "3 hari" }``); ``waktu`` serves the
    priorities it leaves out.

    Format 2: after a step with ``cabang`` all the steps it names run at once,
    each with its own clock, until they meet at a step with ``gabung``, which
    starts when all of them (``semua``) or the first (``salah_satu``) arrive.
    A step with ``persetujuan`` is done when each of those roles has signed it off.
    """

    id: str = Field(min_length=1)
    kegiatan: str = Field(min_length=1)
    pelaksana: tuple[str, ...] = Field(min_length=1)
    kelengkapan: str = ""
    waktu: str = ""
    waktu_dari: str | None = None
    waktu_sejak: str | None = None
    jam: Hours = "kerja"
    waktu_prioritas: PriorityTimes | None = None
    output: str = ""
    keterangan: str = ""
    next: str | None = None
    end: str | None = None
    decision: Decision | None = None
    fields: tuple[StepField, ...] = ()
    cabang: tuple[str, ...] = ()
    gabung: JoinKind | None = None
    persetujuan: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    diinformasikan: tuple[str, ...] = ()  # roles told of the step, apart from those acting (format 2)
    serahkan: Handover | None = None  # format 2: the complaint handed to another SOP when the step is done
    # format 2: when whoever acts is reminded, and who else is told when the step runs late; left out, the
    # configuration's reminders and escalations apply
    reminders: tuple[str, ...] | None = None
    escalate: tuple[Escalation, ...] | None = None
    dokumen: tuple[str, ...] = ()  # format 2: the documents (``[[dokumen]]`` ids) the step produces

    @property
    def standard(self) -> TimeStandard | None:
        """The parsed time standard; only call on a validated definition."""
        return parse_duration(self.waktu)


class SopDefinition(_Frozen):
    """A whole SOP: identity sheet, pelaksana and steps.

    ``format`` 1 (the key absent) is the first format, read as it always was;
    format 2 adds the declared outcomes and the identity keys in ``FORMAT2_KEYS``.
    """

    id: str = Field(min_length=1, pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    nomor: str = ""
    nama: str = Field(min_length=1)
    instansi: str = Field(min_length=1)
    unit: str = ""
    tanggal_pembuatan: str = ""
    tanggal_revisi: str = ""
    tanggal_efektif: str = ""
    disahkan_oleh: str = ""
    disusun_oleh: str = ""
    penanggung_jawab: str = ""
    tujuan: str = ""
    pengantar: str = ""
    catatan_transkripsi: str = ""
    dasar_hukum: tuple[str, ...] = ()
    kualifikasi_pelaksana: tuple[str, ...] = ()
    keterkaitan: tuple[str, ...] = ()
    peralatan: tuple[str, ...] = ()
    peringatan: str = ""
    pencatatan: str = ""
    waktu: str = ""
    waktu_prioritas: PriorityTimes | None = None  # the default of steps that give none
    calendar: CalendarKind = "office"
    outcomes: tuple[Outcome, ...] = ()
    dokumen: tuple[DocumentTemplate, ...] = ()
    roles: tuple[Role, ...] = Field(min_length=1)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=limits.SOP_STEPS)
    format: Literal[1, 2] = 1  # last: a format-1 file's list of known keys reads as it always did

    _by_id: dict[str, Step] = PrivateAttr(default_factory=dict)
    _moments: frozenset[str] = PrivateAttr(default=frozenset())

    def model_post_init(self, __context: object) -> None:
        # Duplicate ids keep the first; validate() reports the duplicate.
        for step in self.steps:
            self._by_id.setdefault(step.id, step)
        self._moments = frozenset(s.waktu_sejak for s in self.steps if s.waktu_sejak and s.waktu_sejak != RECEIVED)

    @property
    def moments(self) -> frozenset[str]:
        """The step starts and ends (``mulai:ID``, ``selesai:ID``) some step's time standard counts from.

        A case keeps only these: an SOP that names none keeps none, as before there were any.
        """
        return self._moments

    @property
    def standard(self) -> TimeStandard | None:
        """The SOP's overall time standard, where the document gives one."""
        return parse_duration(self.waktu)

    @property
    def ends(self) -> tuple[Outcome, ...]:
        """The outcomes a step's or option's ``end`` may name."""
        return self.outcomes if self.format >= 2 else FORMAT1_OUTCOMES

    def outcome(self, outcome_id: str) -> Outcome | None:
        return next((o for o in self.ends if o.id == outcome_id), None)

    def document(self, document_id: str) -> DocumentTemplate | None:
        """The ``[[dokumen]]`` called ``document_id`` (any case: C-03 or c-03)."""
        wanted = document_id.strip().lower()
        return next((d for d in self.dokumen if d.id.lower() == wanted), None)

    def step(self, step_id: str) -> Step:
        return self._by_id[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._by_id

    def waktu_for(self, step: Step, priority: str | None) -> tuple[str, str | None]:
        """A step's time text for a complaint of ``priority``, and the priority whose table gave it.

        The step's own ``waktu_prioritas``, else the SOP's, else the step's ``waktu`` (priority None).
        """
        for table in (step.waktu_prioritas, self.waktu_prioritas):
            text = table.get(priority) if table else None
            if text is not None:
                return text, priority
        return step.waktu, None

    def step_number(self, step_id: str) -> int:
        """1-based position of a step in the table (for "langkah n dari N")."""
        return list(self._by_id).index(step_id) + 1

    def role_name(self, key: str) -> str:
        return next((r.nama for r in self.roles if r.key == key), key)

    def who_acts(self, step: Step) -> str:
        """The step's pelaksana by name, as a card, a listing or a report shows them."""
        return ", ".join(self.role_name(key) for key in step.pelaksana)

    def successors(self, step: Step) -> list[tuple[str | None, str | None, str | None]]:
        """Where a step leads: ``(option label or None, next step id or None, end outcome or None)``."""
        if step.decision:
            return [(o.label, o.goto, o.end) for o in step.decision.options]
        if step.cabang:
            return [(None, branch, None) for branch in step.cabang]
        if step.end:
            return [(None, None, step.end)]
        return [(None, self.following(step.id), None)]

    def following(self, step_id: str) -> str | None:
        """The step after ``step_id`` in table order when it names none itself."""
        step = self._by_id[step_id]
        if step.next:
            return step.next
        ids = list(self._by_id)
        position = ids.index(step_id)
        return ids[position + 1] if position + 1 < len(ids) else None
