"""What each generated page and download reads: the inputs of its build cache key, in one place.

An output is made from the site model (plus the build's context: today, the build time, the
site's address, the previous release). The model is cut in two for the keys:

- the frame: everything but the tasks (agency, units, methodologies, results, documents, the
  plans' own text and settings, today), as the model holds it, plus every file under `data/`
  that is not a plan's task list (an emblem image, ...);
- each task, as the model holds it (its text, units, deadline, progress log, state changes).

Every output's key holds the frame and the tasks it reads (`Reads`): the frame alone, a declared
list of tasks (in the model's order, each with its own digest, so a task added, removed,
reordered or changed changes the key), a declared part of every task, or every task. An output
not declared below reads every task: when in doubt, more goes into a key, never less (stale
output is a bug). The lists are worked out from the model being built, so a task that moves
(another lead unit, another field) leaves one output's list and joins another's: both keys change.

`tests/test_buildcache.py` edits tasks in many ways and checks, output by output, that whatever
changed has a new key, and that one task's text edited leaves the keys of the outputs that do not
show it (other units, fields and plans) as they were.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

from ..buildcache import digest
from ..data_in.contacts import NAME as CONTACTS
from ..data_in.model import Site, Task
from .paths import FIELDS, HOME, OPEN_DATA, REPORTS, RESULTS, UNITS, field_path, plan_path, report_path, unit_path
from .registry import catalog
from .reports import quarter_reports

# What an output reads besides the frame: None = every task; () = none; a list: these tasks;
# text: a part of every task (e.g. only who leads and supports it), written out.
Reads = Sequence[Task] | str | None
EVERY_TASK: Reads = None
NO_TASK: Reads = ()


def output_reads(site: Site) -> dict[str, Reads]:
    """The tasks each page and download reads, by docs-relative path (outputs not named here
    read every task). Where an output picks its tasks with a function, the same function is used;
    the downloads declare theirs in outputs/registry.py."""
    reads: dict[str, Reads] = dict(catalog(site).reads())
    for plan in site.plans:
        reads[plan_path(plan)] = plan.tasks  # the plan's appendix
    for report in quarter_reports(site):  # the page: the tasks of the plan reported
        reads[report_path(report)] = report.plan.tasks
    for unit in site.agency.units:
        # Its page: the tasks it leads or supports (as unit.md.j2 picks them).
        reads[unit_path(unit)] = [*site.tasks_led_by(unit), *site.tasks_supported_by(unit)]
    # Index pages. The reports' list and the open data page show no task; the home page, the
    # results and the fields' list show the current plan's; the units' list counts the tasks each
    # unit leads and supports (units.md.j2: tasks_led_by, tasks_supported_by), so it reads who
    # leads and supports every task, nothing else of them.
    reads[REPORTS] = reads[OPEN_DATA] = NO_TASK
    current = site.current_plan.tasks if site.current_plan else ()
    reads[HOME] = reads[RESULTS] = reads[FIELDS] = current
    reads[UNITS] = repr([(t.lead.id, [u.id for u in t.support], t.handovers, t.support_handovers) for t in site.tasks])
    for field in site.fields():
        reads[field_path(field)] = [t for t in site.tasks if t.field.id == field.id]
    return reads


def frame_digest(site: Site, data_dir: Path) -> str:
    """The model without its tasks (dataclass reprs are complete and stable) and every data file
    that is not a task list."""
    frame = dataclasses.replace(site, plans=tuple(dataclasses.replace(p, tasks=()) for p in site.plans))
    parts: list[str | bytes] = [repr(frame)]
    contacts = data_dir / CONTACTS  # read by no output: a new address rebuilds nothing
    for path in sorted(data_dir.rglob("*")):
        if (
            path.is_file()
            and not (path.name == "tasks.yml" and path.parent.parent.name == "plans")
            and path != contacts
        ):
            parts += [path.relative_to(data_dir).as_posix(), path.read_bytes()]
    return digest(parts)


def output_inputs(site: Site, data_dir: Path, *context: str) -> Callable[[str], str]:
    """The inputs of each output's key (path → text), besides its path and the code version:
    the frame, the build's `context` and the tasks the output reads."""
    tasks = {id(t): digest([repr(t)]) for t in site.tasks}
    every = digest(tasks.values())
    head = "\n".join([frame_digest(site, data_dir), *context])
    reads = output_reads(site)

    def inputs(path: str) -> str:
        read = reads.get(path, EVERY_TASK)
        if read is None:
            return f"{head}\nall:{every}"
        if isinstance(read, str):
            return f"{head}\npart:{digest([read])}"
        return f"{head}\n{len(read)}:{digest(tasks[id(t)] for t in read)}"

    return inputs
