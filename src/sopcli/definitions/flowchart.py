"""The SOP as a flowchart: drawn (Mermaid, DOT) and simulated (paths with their time).

Pure functions over a validated definition.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass

from sopcli.definitions.schema import SopDefinition, Step
from sopcli.i18n import _


def outcome_label(outcome: str, sop: SopDefinition | None = None) -> str:
    """An end as a reader knows it: a format-2 SOP's own label for its outcome, else the kind's word."""
    declared = sop.outcome(outcome) if sop is not None and sop.format >= 2 else None
    if declared is not None:
        return declared.label
    kinds = {
        "resolved": _("resolved"),
        "no_fault_found": _("no fault found"),
        "referred": _("referred"),
        "rejected": _("rejected"),
        "cancelled": _("cancelled"),
    }
    return kinds.get(outcome, outcome)


# --- drawing -------------------------------------------------------------------
#
# Both drawings lay the SOP out as its flowchart table does: one lane (column) per pelaksana in the SOP's role
# order, the steps top to bottom in their order. A step sits in the lane of its first pelaksana; the others are
# named under it. Labels wrap between words, never inside one.


def wrap_words(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken between words only (a longer word keeps a line)."""
    return textwrap.wrap(" ".join(text.split()), width, break_long_words=False, break_on_hyphens=False) or [""]


def _label(step: Step, sop: SopDefinition, width: int = 32) -> list[str]:
    # A diamond holds the decision's question; a box the kegiatan, shortened at a word boundary.
    words = step.decision.question if step.decision else step.kegiatan
    text = textwrap.shorten(f"{step.id}. {words}", 110, placeholder=" …")
    lines = wrap_words(text, width)
    if len(step.pelaksana) > 1:
        lines += wrap_words("+ " + ", ".join(sop.role_name(r) for r in step.pelaksana[1:]), width)
    return lines


def _edges(sop: SopDefinition) -> list[tuple[str, str, str | None, str]]:
    """(from node, to node, label, the option's meaning or "") for every arrow, terminators included."""
    edges: list[tuple[str, str, str | None, str]] = [("start", f"s{sop.steps[0].id}", None, "")]
    for step in sop.steps:
        for label, goto, end in sop.successors(step):
            target = f"end_{end}" if end else f"s{goto}"
            option = step.decision.option(label) if step.decision and label else None
            edges.append((f"s{step.id}", target, label, option.meaning if option else ""))
    return edges


def _reading(step: Step) -> list[str]:
    """What a reader needs beside the box: the decision's question and the step's keterangan."""
    return [text for text in (step.decision.question if step.decision else "", step.keterangan) if text]


def _ends(sop: SopDefinition) -> list[tuple[str, str]]:
    """Each end outcome with the lane it is drawn in: that of the first step leading to it."""
    found: dict[str, str] = {}
    for step in sop.steps:
        for _label, _goto, end in sop.successors(step):
            if end and end not in found:
                found[end] = step.pelaksana[0]
    return list(found.items())


def _node_id(raw: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in raw)


def _lanes(sop: SopDefinition) -> list[tuple[str, str, list[str]]]:
    """(role key, role name, node ids in the lane top to bottom): start, steps, ends, in the SOP's order."""
    ends = _ends(sop)
    lanes = []
    for role in sop.roles:
        nodes = ["start"] if sop.steps[0].pelaksana[0] == role.key else []
        nodes += [f"s{_node_id(s.id)}" for s in sop.steps if s.pelaksana[0] == role.key]
        nodes += [f"end_{_node_id(end)}" for end, lane in ends if lane == role.key]
        lanes.append((role.key, role.nama, nodes))
    return lanes


EMPTY_BOX = '[" "]'


def to_mermaid(sop: SopDefinition) -> str:
    """A Mermaid flowchart: a lane (subgraph) per pelaksana side by side, steps in order, diamonds for decisions."""

    def quote(lines: list[str]) -> str:
        return '"' + "<br/>".join(line.replace('"', "#quot;") for line in lines) + '"'

    start = _("Start")  # outside the f-string: Babel's extractor does not look inside one
    shapes = {"start": f"([{quote([start])}])"}
    for step in sop.steps:
        label = quote(_label(step, sop))
        shapes[f"s{_node_id(step.id)}"] = f"{{{label}}}" if step.decision else f"[{label}]"
    for end, _lane in _ends(sop):
        shapes[f"end_{_node_id(end)}"] = f"([{quote(wrap_words(_end_label(end, sop), 32))}])"
    out = ["flowchart TB"]
    lanes = _lanes(sop)
    for key, name, nodes in lanes:
        lane = f"lane_{_node_id(key)}"
        out.append(f"  subgraph {lane}[{quote(wrap_words(name, 24))}]")
        out.append("    direction TB")
        # A lane no step acts in keeps its column: an empty header box holds it open.
        for node in nodes or [f"{lane}_empty"]:
            out.append(f"    {node}{shapes.get(node, EMPTY_BOX)}")
        out.append("  end")
    # Invisible links keep the lanes in the SOP's role order, left to right, and the steps in table order.
    names = [f"lane_{_node_id(key)}" for key, _name, _nodes in lanes]
    out += [f"  {left} ~~~ {right}" for left, right in itertools.pairwise(names)]
    order = ["start", *(f"s{_node_id(s.id)}" for s in sop.steps)]
    out += [f"  {upper} ~~~ {lower}" for upper, lower in itertools.pairwise(order)]
    for source, target, choice, _meaning in _edges(sop):
        arrow = f" -- {quote([choice])} --> " if choice else " --> "
        out.append(f"  {_node_id(source)}{arrow}{_node_id(target)}")
    # Mermaid has no tooltip without a link: the readings go as comments, kept with the chart's source.
    for step in sop.steps:
        for text in _reading(step):
            out.append(f"  %% {step.id}: {_one_line(text)}")
        for option in step.decision.options if step.decision else ():
            if option.meaning:
                out.append(f"  %% {step.id} [{_one_line(option.label)}]: {_one_line(option.meaning)}")
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _end_label(outcome: str, sop: SopDefinition) -> str:
    return _("End") + ": " + outcome_label(outcome, sop)


def to_dot(sop: SopDefinition) -> str:
    """A Graphviz DOT digraph: a cluster per pelaksana as a column in role order, a row per step, diamonds for
    decisions.

    ``newrank`` lets a rank cross clusters: each step is held at its own row by ``rank=same``, and the
    lane header nodes share the top row.
    """

    def quote(lines: list[str]) -> str:
        return '"' + "\\n".join(line.replace("\\", "\\\\").replace('"', '\\"') for line in lines) + '"'

    out = [
        f"digraph {quote([sop.id])} {{",
        f"  label={quote(wrap_words(sop.nama, 60))}; labelloc=t; rankdir=TB; newrank=true; nodesep=0.3;",
        '  node [fontname="Helvetica", fontsize=10]; edge [fontname="Helvetica", fontsize=9];',
    ]
    start = _("Start")  # outside the f-string: Babel's extractor does not look inside one
    shapes = {"start": f"[label={quote([start])}, shape=oval]"}
    for step in sop.steps:
        shape = "diamond" if step.decision else "box"
        tooltip = f", tooltip={quote(_reading(step))}" if _reading(step) else ""
        shapes[f"s{_node_id(step.id)}"] = f"[label={quote(_label(step, sop, 28))}, shape={shape}{tooltip}]"
    for end, _lane in _ends(sop):
        shapes[f"end_{_node_id(end)}"] = f"[label={quote(wrap_words(_end_label(end, sop), 28))}, shape=oval]"
    # A grid: a row for the lane headers, the start, each step and the ends; in each row a cell per lane, the
    # step's node in its own lane and an invisible point in the others. Invisible edges chain each row's cells
    # left to right in role order, which is what keeps the lanes in that order as columns.
    first_lane = {f"s{_node_id(s.id)}": s.pelaksana[0] for s in sop.steps}
    first_lane["start"] = sop.steps[0].pelaksana[0]
    ends = _ends(sop)
    rows = [["start"], *([f"s{_node_id(s.id)}"] for s in sop.steps), [f"end_{_node_id(e)}" for e, _l in ends]]
    lane_of = first_lane | {f"end_{_node_id(e)}": lane for e, lane in ends}
    grid: list[list[list[str]]] = [[[f"lane_{_node_id(role.key)}"] for role in sop.roles]]
    for number, nodes in enumerate(rows, start=1):
        grid.append(
            [[n for n in nodes if lane_of[n] == role.key] or [f"g{number}_{_node_id(role.key)}"] for role in sop.roles]
        )
    for column, role in enumerate(sop.roles):
        out.append(f"  subgraph cluster_{_node_id(role.key)} {{")
        out.append('    label=""; style=rounded; color=gray;')
        for number, row in enumerate(grid):
            for node in row[column]:
                if number == 0:
                    out.append(f"    {node} [label={quote(wrap_words(role.nama, 20))}, shape=plaintext, fontsize=11];")
                elif node in shapes:
                    out.append(f"    {node} {shapes[node]};")
                else:
                    out.append(f'    {node} [shape=point, style=invis, width=0, height=0, label=""];')
        out.append("  }")
    for line in grid:
        cells = [node for cell in line for node in cell]
        out.append(f"  {{rank=same; {'; '.join(cells)};}}")
        out.append("  " + " -> ".join(cells) + " [style=invis];")
    for column in range(len(sop.roles)):  # each lane straight down, rows in order
        out.append("  " + " -> ".join(line[column][0] for line in grid) + " [style=invis, weight=10];")
    for source, target, label, meaning in _edges(sop):
        # The rows place the nodes; an arrow, a loop back too, only connects them.
        attrs = [f"label={quote([label])}"] if label else []
        if meaning:
            attrs.append(f"tooltip={quote([meaning])}")
        attrs.append("constraint=false")
        out.append(f"  {_node_id(source)} -> {_node_id(target)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# --- simulation ----------------------------------------------------------------


@dataclass(frozen=True)
class SimulatedPath:
    """One way through the SOP from the first step to an end."""

    outcome: str
    steps: tuple[str, ...]
    choices: tuple[tuple[str, str], ...]  # (step id, option label) at each decision on the way
    low_minutes: int
    high_minutes: int
    open_ended: tuple[str, ...]  # steps whose time is set while the case runs (waktu_dari)
    unstandardised: tuple[str, ...]  # steps with no time standard at all


def simple_paths(
    sop: SopDefinition, limit: int = 100_000
) -> list[tuple[tuple[str, ...], tuple[tuple[str, str], ...], str]]:
    """Every loop-free path from the first step to an end: (steps, choices, outcome)."""
    found: list[tuple[tuple[str, ...], tuple[tuple[str, str], ...], str]] = []

    def walk(step_id: str, steps: tuple[str, ...], choices: tuple[tuple[str, str], ...]) -> None:
        if len(found) >= limit:
            return
        step = sop.step(step_id)
        if step.cabang:  # every branch runs: the path takes them all and goes on at their join
            inside, join = _branches(sop, step)
            if join is not None and join not in steps:
                walk(join, (*steps, *inside, join), choices)
            return
        for label, goto, end in sop.successors(step):
            taken = (*choices, (step_id, label)) if label else choices
            if end:
                found.append((steps, taken, end))
            elif goto is not None and goto not in steps:
                walk(goto, (*steps, goto), taken)

    first = sop.steps[0].id
    walk(first, (first,), ())
    return found


def simulate(sop: SopDefinition, day_minutes: int) -> dict[str, tuple[SimulatedPath, SimulatedPath]]:
    """For each end outcome, its shortest and its longest loop-free path.

    Shortest is by the lower end of the summed standards, longest by the upper
    end; ties go to the path with fewer (or more) steps.
    """
    paths: dict[str, list[SimulatedPath]] = {}
    in_branches = {inside for fork in sop.steps if fork.cabang for inside in _branches(sop, fork)[0]}
    for steps, choices, outcome in simple_paths(sop):
        low = high = 0
        open_ended, unstandardised = [], []
        for step_id in steps:
            step = sop.step(step_id)
            if step.cabang:  # branches run at once: the longest of them is what the fork takes
                spans = [_span(sop, branch, day_minutes) for branch in step.cabang]
                low += max((span[0] for span in spans), default=0)
                high += max((span[1] for span in spans), default=0)
            if step_id in in_branches:
                continue
            standard = step.standard
            if step.waktu_dari:
                open_ended.append(step_id)
            elif standard is None:
                unstandardised.append(step_id)
            else:
                step_low, step_high = standard.minutes(day_minutes)
                low += step_low
                high += step_high
        paths.setdefault(outcome, []).append(
            SimulatedPath(outcome, steps, choices, low, high, tuple(open_ended), tuple(unstandardised))
        )
    return {
        outcome: (
            min(candidates, key=lambda p: (p.low_minutes, len(p.steps))),
            max(candidates, key=lambda p: (p.high_minutes, len(p.steps))),
        )
        for outcome, candidates in paths.items()
    }


def _branches(sop: SopDefinition, fork: Step) -> tuple[tuple[str, ...], str | None]:
    """The steps of a fork's branches (in the SOP's order) and the join they meet at (None: a broken fork)."""
    inside: set[str] = set()
    joins: set[str] = set()
    stack = list(fork.cabang)
    while stack:
        step_id = stack.pop()
        if step_id in inside or step_id in joins:
            continue
        step = sop.step(step_id)
        if step.gabung:
            joins.add(step_id)
            continue
        inside.add(step_id)
        stack += [goto for _label, goto, _end in sop.successors(step) if goto is not None]
    ordered = tuple(s.id for s in sop.steps if s.id in inside)
    return ordered, (joins.pop() if len(joins) == 1 else None)


def _span(sop: SopDefinition, branch: str, day_minutes: int) -> tuple[int, int]:
    """(low, high) working minutes of one branch: its steps' standards summed up to the join."""
    low = high = 0
    step_id: str | None = branch
    seen: set[str] = set()
    while step_id is not None and step_id not in seen:
        seen.add(step_id)
        step = sop.step(step_id)
        if step.gabung:
            break
        standard = step.standard if not step.waktu_dari else None
        if standard is not None:
            step_low, step_high = standard.minutes(day_minutes)
            low, high = low + step_low, high + step_high
        targets = [goto for _label, goto, _end in sop.successors(step) if goto is not None]
        step_id = targets[0] if len(targets) == 1 else None  # a decision inside a branch: counted to it
    return low, high
