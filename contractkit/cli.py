"""The command line: a thin layer over the library.

Only click is imported at module level, so ``contractkit --help`` stays fast;
each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import click

from contractkit import __version__
from contractkit.checking import CONTEXT_READERS
from contractkit.organisation import DEFAULT_ROLE

if TYPE_CHECKING:
    from contractkit.fileio import AtomicFile
    from contractkit.requests import RoleAssignments

EXIT_USAGE = 2


class UsageFailure(click.ClickException):
    """A bad request or input: printed as 'Error: …', exit status 2."""

    exit_code = EXIT_USAGE


def _known_errors():
    from contractkit.catalogue import CatalogueError, UnknownName
    from contractkit.config import ConfigError as UserConfigError
    from contractkit.fileio import OutputExistsError
    from contractkit.generation.config import ConfigError
    from contractkit.generation.parameters import ParameterError
    from contractkit.generation.render import GenerationError
    from contractkit.playbooks import PlaybookError
    from contractkit.requests import InvalidRequest

    return (InvalidRequest, CatalogueError, UnknownName, OutputExistsError, ConfigError, ParameterError,
            GenerationError, UserConfigError, PlaybookError)


# A request field -> the command-line option that sets it (contractkit.requests names the field at fault).
_OPTION_FOR_FIELD = {
    "roles": "--role", "extra_roles": "--role", "options": "--option", "kind": "--kind", "format": "--format",
    "organisation.names": "--as", "organisation.role": "--as-role",
}


def _usage_failure(exc: Exception) -> UsageFailure:
    """The error as one line; a request's problems one a line, in English, each after the option that
    gave it (``--role 甲方: …``)."""
    from contractkit.requests import InvalidRequest

    if not isinstance(exc, InvalidRequest):
        return UsageFailure(str(exc))
    lines = []
    for error in exc.errors:
        head, _, label = error.field.partition(".")
        option = _OPTION_FOR_FIELD.get(error.field) or (f"--role {_shown(label)}" if head == "roles" else None)
        lines.append(f"{option}: {error.en}" if option else error.en)
    return UsageFailure("\nError: ".join(lines))


def _shown(value) -> str:
    """A file name for the terminal: control and bidi-override characters in a name
    (``合同\u202excod.exe.docx``) must not rewrite the line a user reads."""
    from contractkit.formatters.common import printable

    return printable(str(value)).replace("\n", "\ufffd")


def _fail_cleanly(func):
    """Turn the library's documented errors into one clear line and exit status 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except _known_errors() as exc:
            raise _usage_failure(exc) from None
        except OSError as exc:
            where = f"{_shown(exc.filename)}: " if exc.filename else ""
            raise UsageFailure(f"{where}{exc.strerror or exc}") from None

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="contractkit")
def main():
    """Write and check the security-responsibility clauses of cloud-service
    contracts under T/CCIA 004-2024《云计算服务安全责任划分规则及实施指南》."""


# ---------------------------------------------------------------- listings
FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["table", "md", "json"]), default="table", show_default=True
)


@main.command()
@FORMAT_OPTION
@_fail_cleanly
def pairs(fmt):
    """List the party pairs and roles an agreement can be generated for."""
    from contractkit.catalogue import default_catalogue
    from contractkit.listing import list_pairs

    click.echo(list_pairs(default_catalogue(), fmt), nl=False)


@main.command()
@click.option("--pair", "pair_ids", multiple=True, help="Only requirements of this pair (repeatable).")
@click.option("--option", "options", multiple=True,
              help="Include requirements switched on by this option (cii, multi-cloud).")
@FORMAT_OPTION
@_fail_cleanly
def requirements(pair_ids, options, fmt):
    """List the requirement catalogue (filterable by pair)."""
    from contractkit.catalogue import default_catalogue
    from contractkit.listing import list_requirements
    from contractkit.requests import raise_if_any, unknown

    raise_if_any([*unknown("pair", pair_ids, "pair"), *unknown("option", options, "options")])
    catalogue = default_catalogue()
    click.echo(list_requirements(catalogue, set(pair_ids), set(options), fmt), nl=False)


@main.command()
@click.argument("pair", required=False)
@click.option("--role", "roles", multiple=True, help="A further role the same partner holds.")
@click.option("--option", "options", multiple=True, help="cii or multi-cloud.")
@click.option("--kind", type=click.Choice(["agreement", "annex"]), help="[default: agreement]")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "yaml"]), default="table", show_default=True,
    help="yaml prints a config file to fill in and pass to 'generate --config'.",
)
@_fail_cleanly
def parameters(pair, roles, options, kind, fmt):
    """List the template parameters (all, or those PAIR's document uses)."""
    from contractkit.generation.parameters import default_parameters
    from contractkit.listing import list_parameters

    names = None
    if pair:
        from contractkit.generation.render import relevant_parameters
        from contractkit.requests import GenerateRequest

        given = {"pair": pair, "extra_roles": roles, "options": options, "kind": kind}
        names = relevant_parameters(GenerateRequest.parse({k: v for k, v in given.items() if v}).settings())
    settings = {"pair": pair, "roles": list(roles), "options": list(options), "kind": kind}  # a config file's keys
    click.echo(list_parameters(default_parameters(), names, fmt, settings), nl=False)


# ---------------------------------------------------------------- generate
@main.command()
@click.argument("pair", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write; '-' for standard output (md/txt).")
@click.option("--format", "fmt", type=click.Choice(["docx", "md", "txt"]),
              help="Output format [default: from the file extension, else docx].")
@click.option("--role", "roles", multiple=True,
              help="A further partner role the same organisation holds, e.g. --role security (repeatable).")
@click.option("--option", "options", multiple=True,
              help="cii (关键信息基础设施) or multi-cloud (多云统管); repeatable.")
@click.option("--kind", type=click.Choice(["agreement", "annex"]),
              help="A full agreement or a clause annex to an existing contract [default: agreement].")
@click.option("--set", "assignments", multiple=True, metavar="NAME=VALUE",
              help="Set a parameter (repeatable); see 'contractkit parameters'.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML or TOML file with the request and its parameters.")
@click.option("-i", "--interactive", is_flag=True, help="Ask for each parameter that is not set yet.")
@click.option("--explain", "explain_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write an explanation sheet (each clause, the standard's clause, why) to this .docx/.md/.txt.")
@click.option("--playbook", "playbook_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A playbook (YAML): its preferred values become the parameters' defaults (below --set and "
                   "--config) and its clauses are added.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@_fail_cleanly
def generate(pair, output, fmt, roles, options, kind, assignments, config_path, interactive, explain_path,
             playbook_path, force):
    """Generate the agreement (or clause annex) for PAIR, e.g. provider-om.

    Unset parameters become blanks (________) in a fill-in draft.
    """
    from contractkit.generation.config import read_config
    from contractkit.requests import GenerateRequest

    config = read_config(config_path) if config_path else {}
    given = {  # the command line over the config file; the config file's "roles" are extra roles too
        "pair": pair or config.get("pair", ""), "extra_roles": (*config.get("roles", ()), *roles),
        "options": (*config.get("options", ()), *options), "kind": kind or config.get("kind"),
        "format": fmt or _format_from_output(output),
        "parameters": {**config.get("parameters", {}), **_parse_assignments(assignments)},
        "matrix": config.get("matrix"),
    }
    request = GenerateRequest.parse({name: value for name, value in given.items() if value is not None})
    settings, fmt = request.settings(), request.format
    if playbook_path is not None:
        from dataclasses import replace

        from contractkit.playbooks import load_playbook

        settings = replace(settings, playbook=load_playbook(playbook_path))
    if interactive:
        settings = _ask_parameters(settings)
    if output is None:
        raise UsageFailure("name the output file with -o FILE (or -o - for standard output)")
    if str(output) == "-" and fmt == "docx":
        raise UsageFailure("a .docx cannot go to standard output; give a file name")

    from contractkit.fileio import write_atomic
    from contractkit.generation.render import build_document
    from contractkit.generation.writers import format_for_path, writer_for

    document = build_document(settings)
    data = writer_for(fmt).write(document)
    if str(output) == "-":
        sys.stdout.buffer.write(data)
        return
    path = write_atomic(output, data, force=force)
    click.echo(
        f"wrote {path} ({fmt}, {len(document.metadata.requirement_ids)} requirements: "
        f"{', '.join(document.metadata.pair_ids)})",
        err=True,
    )
    if explain_path is not None:
        from contractkit.generation.explain import explanation_sheet

        sheet_format = format_for_path(explain_path) or "docx"
        written = write_atomic(explain_path, writer_for(sheet_format).write_sheet(explanation_sheet(document)),
                               force=force)
        click.echo(f"wrote {written} (explanation sheet, {sheet_format})", err=True)


def _parse_assignments(assignments) -> dict[str, str]:
    values = {}
    for assignment in assignments:
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip():
            raise UsageFailure(f"--set {assignment!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def _format_from_output(output: Path | None) -> str | None:
    """The format -o asks for: Markdown for standard output, else its extension's (None: the default)."""
    from contractkit.generation.writers import format_for_path

    if output is None:
        return None
    return "md" if str(output) == "-" else format_for_path(output)


def _ask_parameters(settings):
    """Prompt for every parameter of this document not set yet, re-asking on a bad value."""
    from dataclasses import replace

    from contractkit.generation.parameters import ParameterError, default_parameters
    from contractkit.generation.render import relevant_parameters

    specs = default_parameters()
    values = dict(settings.parameters)
    for name in relevant_parameters(settings):
        if name in values:
            continue
        spec = specs[name]
        click.echo(f"\n{spec.label} [{name}] — {spec.description}", err=True)
        while True:
            raw = click.prompt(
                "  value (Enter for " + ("the default" if spec.default is not None else "a blank") + ")",
                default="" if spec.default is None else str(spec.default),
                show_default=spec.default is not None,
                err=True,
            )
            if raw == "":
                break
            try:
                values[name] = spec.parse(raw)
                break
            except ParameterError as exc:
                click.echo(f"  {exc.problem}", err=True)
    return replace(settings, parameters=values)


# ---------------------------------------------------------------- check
@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--role", "role_assignments", multiple=True, metavar="LABEL=ROLE[,ROLE]",
              help="Give a party's role(s) instead of inferring them, "
                   "e.g. --role 甲方=provider --role 乙方=om,security.")
@click.option("--option", "options", multiple=True,
              help="cii or multi-cloud: also check the items they switch on (added to the config file's options).")
@click.option("--as", "as_names", multiple=True, metavar="NAME",
              help="A name of our organisation, full or short (repeatable): the party of that name holds "
                   "--as-role, the other side's role follows from the contract [default: the config file's names].")
@click.option("--as-role", metavar="ROLE",
              help="The role our organisation holds, a role id such as provider or om (see 'contractkit pairs') "
                   f"[default: the config file's role, else {DEFAULT_ROLE}].")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Read this configuration file (contractkit.toml, or a pyproject.toml's [tool.contractkit]) "
                   "instead of looking for one.")
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option("--format", "fmt", type=click.Choice(["terminal", "json", "jsonl", "html", "csv", "xlsx"]),
              help="Report format [default: from --output's extension, else terminal]; jsonl: JSON Lines, "
                   "a line per document as it is checked, for batches of any size.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to this file (atomically) instead of standard output.")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write a copy of each .docx with Word comments and tracked insertions into this folder "
                   "(with --playbook: a redline, values and clauses replaced as tracked changes).")
@click.option("--playbook", "playbook_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also judge the firm's positions in this playbook (see 'contractkit playbook'); the JSON "
                   "report becomes contractkit.check/2 with each document's positions.")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for a batch [default: CPU count].")
@click.option("--timeout", type=click.FloatRange(min=1), help="Seconds allowed per file [default: 120].")
@click.option("--include", multiple=True, metavar="GLOB",
              help="Only files matching (repeatable) [default: *.docx *.odt *.doc *.wps *.pdf *.txt *.md].")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip files matching (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="One line per document.")
@_fail_cleanly
def check(paths, role_assignments, options, as_names, as_role, config_path, no_config, fmt, output, annotate_dir,
          playbook_path, force, jobs, timeout, include, exclude, quiet):
    """Check contracts (files or folders) against T/CCIA 004-2024.

    Whose side we are on (--as, --as-role) and options checked by default can
    be kept in a configuration file: contractkit.toml, or [tool.contractkit] in
    pyproject.toml, in this folder or the nearest one above it; else
    ~/.config/contractkit/config.toml. The command line wins over the file.

    \b
        [organisation]
        names = ["华云数智科技有限公司", "华云"]
        role = "provider"

    Exit status: 0 when every contract was judged and no must-level item is
    missing or contrary, 1 when some are or a contract's roles could not be
    determined (or, with --playbook, a position is beyond its walk-away value),
    2 for usage errors or when a file could not be read.
    """
    from contractkit.api import check_stream
    from contractkit.config import organisation_request
    from contractkit.formatters import DEFAULT_FORMAT, format_for_path, formatter_for
    from contractkit.formatters.streaming import RunHeader, RunningTotals
    from contractkit.requests import CheckRequest

    config = _user_config(config_path, no_config)
    request = CheckRequest.parse({
        "roles": _parse_roles(role_assignments), "options": (*config.options, *options),
        **organisation_request(config, as_names, as_role),
    })
    playbook = None
    if playbook_path is not None:  # read and validated before any file is checked
        from contractkit.playbooks import load_playbook

        playbook = load_playbook(playbook_path)
    fmt = fmt or (format_for_path(output) if output else None) or DEFAULT_FORMAT
    if fmt == "xlsx" and output is None:
        raise UsageFailure("an .xlsx report needs a file name: -o report.xlsx")
    for target in [output] if output else []:
        if target.exists() and not force:
            raise UsageFailure(f"{target}: already exists; use --force to overwrite it")
    # A report on the terminal shows each document as it is checked: no progress line over it.
    progress = _progress(sys.stderr.isatty() and not (output is None and sys.stdout.isatty()))
    stream = check_stream(
        paths, roles=request.roles, options=request.options, jobs=jobs, timeout=timeout,
        include=include or None, exclude=exclude, progress=progress.callback, organisation=request.organisation,
        playbook=playbook,
    )
    with stream, progress:
        settings = stream.settings
        if config.path is not None:  # the report says which file set our organisation or options
            settings = {**settings, "config": str(config.path)}
        annotator = _Annotator(annotate_dir, force, progress, stream.files) if annotate_dir is not None else None
        options_for = {"quiet": quiet} if fmt == "terminal" and quiet else {}
        colour = fmt == "terminal" and output is None and sys.stdout.isatty()
        formatter = formatter_for(fmt, **options_for)
        totals = RunningTotals()
        # The report is written as the documents come, in their order: to standard output at once, or to a
        # temporary file beside the output that becomes it at the end (nothing is left if the run fails).
        with _report_destination(output, force) as out:
            writer = formatter.stream(out, RunHeader(stream.standard, settings, len(stream), stream.skipped,
                                                     stream.playbook), colour=colour)
            for report in stream:
                if annotator is not None:
                    annotator.add(report)
                writer.write(report)
                totals.add(report)
                if output is None:
                    out.flush()
            writer.close()
    if output is not None:
        click.echo(f"wrote {output}", err=True)
    sys.exit(totals.exit_code if annotator is None or annotator.written_all else EXIT_USAGE)


@contextmanager
def _report_destination(output: Path | None, force: bool) -> Iterator[BinaryIO | AtomicFile]:
    from contractkit.fileio import open_atomic

    if output is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with open_atomic(output, force=force) as handle:
            yield handle


def _user_config(path: Path | None, no_config: bool):
    """The configuration file named by --config, else the one found (none with --no-config)."""
    from contractkit.config import NO_CONFIG, discover_config, load_config

    if path is not None and no_config:
        raise UsageFailure("--config and --no-config contradict each other; give one of them")
    if path is not None:
        return load_config(path)
    return NO_CONFIG if no_config else discover_config()


def _parse_roles(assignments) -> RoleAssignments:
    """--role 甲方=provider --role 乙方=om,security as {"甲方": ("provider",), "乙方": ("om", "security")}."""
    roles: dict[str, tuple[str, ...]] = {}
    for assignment in assignments:
        label, sep, value = assignment.partition("=")
        if not sep or not label.strip() or not value.strip():
            raise UsageFailure(f"--role {assignment!r}: expected LABEL=ROLE, e.g. 甲方=provider")
        given = tuple(role.strip() for role in value.split(",") if role.strip())
        roles[label.strip()] = roles.get(label.strip(), ()) + given
    return roles


class _progress:
    """A progress line on a terminal's stderr while a batch runs; nothing otherwise."""

    def __init__(self, enabled: bool):
        self.enabled, self.done = enabled, 0
        self.callback = self.update if enabled else None  # what the check calls with each report

    def __enter__(self):
        return self

    def update(self, report) -> None:
        self.done += 1
        mark = {"error": "✗", "roles-unknown": "?"}.get(report.status, "✓")
        click.echo(f"\r{mark} {self.done} checked: {_shown(report.path.name)[:60]:<60}", err=True, nl=False)

    def echo(self, message: str) -> None:
        """A line on stderr, over the progress line (which the next update draws again)."""
        click.echo(("\r\x1b[K" if self.enabled and self.done else "") + message, err=True)

    def __exit__(self, *exc):
        if self.enabled and self.done:
            click.echo("", err=True)


class _Annotator:
    """Annotated copies of the checked .docx files, made as their reports come; ``written_all`` is False
    when some could not be written.

    A folder that cannot be written (read-only, full disk) is reported and the
    annotating stops, but the report of the whole run still goes out (exit status 2)
    rather than being lost with it.
    """

    def __init__(self, folder: Path, force: bool, progress: _progress, files: list[Path]):
        self.folder, self.force, self.progress = folder, force, progress
        self.used: set[str] = set()
        self.written_all = self.enabled = True
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            progress.echo(f"Error: not annotated: {_shown(exc.filename or folder)}: {exc.strerror or exc}")
            self.written_all = self.enabled = False
            return
        if not force:  # a copy left by an earlier run: refused before any file is checked
            for path in files:
                if path.suffix.lower() == ".docx":
                    earlier = folder / _unique_name(path, set())
                    if earlier.exists():
                        raise UsageFailure(f"{earlier}: already exists; use --force to overwrite it")

    def add(self, report) -> None:
        from contractkit.annotate import annotate_docx

        if not self.enabled or report.status != "ok" or report.format != "docx":
            return
        folder = self.folder
        name = _unique_name(report.path, self.used)
        try:
            summary = annotate_docx(report.path, report, folder / name, force=self.force)
        except FileExistsError as exc:
            raise UsageFailure(str(exc)) from None
        except ValueError as exc:  # e.g. a macro-enabled document: report it, annotate the rest
            self.progress.echo(f"not annotated: {_shown(exc)}")
            return
        except OSError as exc:
            where = Path(exc.filename) if exc.filename else folder / name
            self.progress.echo(f"Error: not annotated: {_shown(where)}: {exc.strerror or exc}")
            self.written_all = False
            if where == folder / name:
                self.enabled = False  # the folder cannot take it (read-only, full disk): the next would fail too
            return  # else the contract itself went away since it was checked
        replaced = f", {summary.replacements} replacements" if summary.replacements else ""
        self.progress.echo(f"annotated {_shown(folder / name)} ({summary.comments} comments, "
                           f"{summary.insertions} insertions{replaced})")
        for miss in list(summary.unanchored) + list(summary.approximate):
            self.progress.echo(f"  {miss.requirement}: {miss.reason}")


def _unique_name(path: Path, used: set[str]) -> str:
    """Output names from input names; two inputs called contract.docx do not collide."""
    from contractkit.fileio import fit_name

    number = 1
    while True:
        suffix = ".annotated.docx" if number == 1 else f".annotated-{number}.docx"
        # An input name near the file system's 255-byte limit would overflow once the
        # suffix is added (ENAMETOOLONG used to end the whole run): shorten the stem.
        name = fit_name(path.stem, 255 - len(suffix)) + suffix
        if name not in used:
            used.add(name)
            return name
        number += 1


# ---------------------------------------------------------------- playbook
@main.group()
def playbook():
    """The firm's playbooks: positions on top of the standard (deadlines, caps, wording) with the clauses
    to propose. Use one with 'contractkit check --playbook FILE' (and --annotate for a redline)."""


@playbook.command("list")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False, exists=True, path_type=Path))
@_fail_cleanly
def playbook_list(folders):
    """List the playbooks (*.yaml) in FOLDERS [default: samples/playbooks, when there is one]."""
    from contractkit.playbooks.describe import list_playbooks

    folders = folders or tuple(p for p in (Path("samples/playbooks"),) if p.is_dir())
    if not folders:
        raise UsageFailure("name a folder of playbooks (no samples/playbooks here)")
    click.echo(list_playbooks(folders), nl=False)


@playbook.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def playbook_validate(files):
    """Check playbook files: their layout, the pairs and requirements they name, and that every clause they
    propose reads back as meeting the playbook. Exit status 2 if any is not valid."""
    from contractkit.playbooks import PlaybookError, load_playbook

    failed = False
    for path in files:
        try:
            loaded = load_playbook(path)
        except PlaybookError as exc:
            failed = True
            for problem in exc.problems:
                click.echo(f"{_shown(path)}: {problem}", err=True)
            continue
        click.echo(f"{_shown(path)}: valid ({len(loaded.all_positions())} positions, {len(loaded.extras)} own "
                   f"requirements)")
    sys.exit(EXIT_USAGE if failed else 0)


@playbook.command("explain")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "md"]), default="text", show_default=True)
@_fail_cleanly
def playbook_explain(file, fmt):
    """Show a playbook in words: each position, its values, what finds it and the clauses it proposes."""
    from contractkit.playbooks import load_playbook
    from contractkit.playbooks.describe import explain

    click.echo(explain(load_playbook(file), markdown=fmt == "md"), nl=False)


# ---------------------------------------------------------------- evaluate
@main.command()
@click.option("--samples", "samples_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder of contracts with <name>.expected.yaml labels (e.g. samples/contracts).")
@click.option("--labelled", "labelled_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder with labels.json and SOURCES.tsv (e.g. ../shared/dev-corpus).")
@click.option("--cases", "cases_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="A YAML list of short cases (id, requirement, roles, text, expect), e.g. "
                   "corpora/evaluation/blind-cases.yaml.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--mistakes", is_flag=True, help="Also list every disagreement with the labels.")
@click.option("--as-provider-from-labels", "as_provider", is_flag=True,
              help="Also measure roles with --as: the provider's organisation name from the labels, "
                   "on the contracts whose text contains it.")
@click.option("--engine", "engine_kind", type=click.Choice(["nlp", "terms"]), default="nlp", show_default=True,
              help="The language engine: nlp drops lexicon terms that are not words of the text (by jieba's "
                   "segmentation); terms keeps every term the lexicons find (to measure what tokens change).")
@click.option("--without", "without", multiple=True, type=click.Choice(CONTEXT_READERS),
              help="Leave out a way of reading sentences in context (repeatable), to measure what it changes.")
@click.option("--no-clause-model", "no_clause_model", is_flag=True,
              help="Leave the clause model (the learned reading of short clauses) out, to measure what it changes. "
                   "A cases file the shipped model learned from is measured with a model retrained without it.")
@_fail_cleanly
def evaluate(samples_dir, labelled_dir, cases_file, fmt, mistakes, as_provider, engine_kind, without, no_clause_model):
    """Measure the checker on labelled contracts: precision and recall per requirement, role accuracy per contract."""
    import json
    from functools import partial

    from contractkit.checking.evaluation import evaluate as run
    from contractkit.checking.evaluation import (
        format_roles,
        format_table,
        held_out_standard,
        load_cases,
        load_labelled_corpus,
        load_samples,
    )
    from contractkit.checking.understanding.nlp import make_engine

    if not samples_dir and not labelled_dir and not cases_file:
        raise UsageFailure("give --samples DIR, --labelled DIR and/or --cases FILE")
    engine = make_engine(engine_kind)
    results = []
    measure = partial(run, engine=engine, without=frozenset(without), clause_model=not no_clause_model)
    if samples_dir:
        results.append(measure(str(samples_dir), load_samples(samples_dir), as_provider=as_provider))
    if labelled_dir:
        try:
            labelled = load_labelled_corpus(labelled_dir)
        except ValueError as exc:
            raise UsageFailure(str(exc)) from None
        results.append(measure(str(labelled_dir), labelled, as_provider=as_provider))
    if cases_file:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="contractkit-cases-") as workdir:
            try:
                cases = load_cases(cases_file, Path(workdir))
            except ValueError as exc:
                raise UsageFailure(str(exc)) from None
            # (an engine without words leaves the model out: nothing to retrain)
            standard, use = (held_out_standard(cases_file, engine)
                             if not no_clause_model and engine.tokens("") is not None else (None, ""))
            results.append(measure(str(cases_file), cases, standard=standard, clause_model_use=use))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    for result in results:
        click.echo(format_table(result))
        if mistakes:
            click.echo("\n".join(result.mistakes) + "\n")
        click.echo(format_roles(result, details=mistakes))


# ---------------------------------------------------------------- rules
@main.command()
@click.argument("requirement", required=False)
@click.option("--pair", "pair_ids", multiple=True, help="Only the rules of this pair.")
@FORMAT_OPTION
@_fail_cleanly
def rules(requirement, pair_ids, fmt):
    """Document the checker's rules: what each requirement needs a contract to say.

    For each requirement: the checks that judge it, in order, and a clause that
    satisfies it and one that does not (its examples, which the tests run).
    """
    from contractkit.catalogue import default_catalogue
    from contractkit.checking.rules.documentation import describe_rules

    catalogue = default_catalogue()
    for pair_id in pair_ids:
        catalogue.pair(pair_id)
    selected = [catalogue.requirement(requirement)] if requirement else [
        r for r in catalogue.requirements if not pair_ids or set(pair_ids) & set(r.pairs)
    ]
    click.echo(describe_rules(selected, fmt), nl=False)


# ---------------------------------------------------------------- serve
@main.command()
@click.option("--host", help="Address to listen on [default: 127.0.0.1, this machine only].")
@click.option("--port", type=click.IntRange(1, 65535), help="Port [default: 8000].")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the history database and uploaded files "
                   "[default: $CONTRACTKIT_DATA_DIR, else ~/.local/share/contractkit].")
@click.option("--database-url", metavar="URL",
              help="postgresql://user@host/db to keep the history in PostgreSQL [default: SQLite in the data folder].")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Checking processes [default: CPU count].")
@click.option("--timeout", type=click.FloatRange(min=1), help="Seconds allowed per file [default: 120].")
@click.option("--max-upload-mb", type=click.IntRange(min=1), help="Largest upload, all files together [default: 50].")
@click.option("--max-files", type=click.IntRange(min=1), help="Most contracts in one review [default: 200].")
@click.option("--auth-token-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Require this shared secret (first line of the file; or set $CONTRACTKIT_AUTH_TOKEN).")
@click.option("--users-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Require named users: sign in with a name and password from this file "
                   "(hashed; create it with `contractkit users add`).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="HOST",
              help="A host name the service answers to (repeat for more; *.example.com for a domain) "
                   "[default: the --host address, localhost and 127.0.0.1; for 0.0.0.0 also this machine's "
                   "names and addresses].")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="IP",
              help="Address of a reverse proxy whose X-Forwarded-Proto/-For headers are believed "
                   "(repeat for more) [default: 127.0.0.1].")
@click.option("--playbooks-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A folder of playbooks (YAML) a review may be checked against; the valid ones are offered "
                   "[default: none, uploads only].")
@_fail_cleanly
def serve(host, port, data_dir, database_url, jobs, timeout, max_upload_mb, max_files, auth_token_file, users_file,
          allowed_hosts, trusted_proxies, playbooks_dir):
    """Run the review service: upload and check contracts, generate agreements, keep a history.

    Open the address it prints in a browser. The JSON API and its OpenAPI
    description are under /api (see /api/docs).
    """
    from contractkit.service.run import run_service, settings_from_options

    try:
        settings = settings_from_options(
            host=host, port=port, data_dir=data_dir, database_url=database_url, jobs=jobs, timeout=timeout,
            max_upload_mb=max_upload_mb, max_files=max_files, auth_token_file=auth_token_file, users_file=users_file,
            allowed_hosts=tuple(allowed_hosts) or None, trusted_proxies=tuple(trusted_proxies) or None,
            playbooks_dir=playbooks_dir,
        )
        run_service(settings)
    except (ValueError, RuntimeError) as exc:  # SettingsError, DatabaseError: one clear line
        raise UsageFailure(str(exc)) from None


# ---------------------------------------------------------------- users
USERS_FILE_OPTION = click.option("--users-file", type=click.Path(dir_okay=False, path_type=Path), required=True,
                                 help="The users file `contractkit serve --users-file` reads.")


@main.group()
def users():
    """The review service's named users (a file of Argon2 password hashes, never passwords)."""


@users.command("add")
@click.argument("name")
@USERS_FILE_OPTION
@click.option("--role", type=click.Choice(["user", "team", "admin"]), default="user", show_default=True,
              help="user: sees own reviews; team: sees every review; admin: also deletes any review and "
                   "changes the organisation settings.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (one line).")
@_fail_cleanly
def users_add(name, users_file, role, password_stdin):
    """Add a user, or set a user's password and role (the file is created, readable by its owner only)."""
    from contractkit.service.users import UsersFileError, add_user

    if password_stdin:
        password = click.get_text_stream("stdin").readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
    try:
        added = add_user(users_file, name, password, role)
    except UsersFileError as exc:
        raise UsageFailure(str(exc)) from None
    click.echo(f"{'added' if added else 'updated'} {name} ({role}) in {_shown(users_file)}; "
               "restart contractkit serve to apply", err=True)


@users.command("remove")
@click.argument("name")
@USERS_FILE_OPTION
@_fail_cleanly
def users_remove(name, users_file):
    """Remove a user (their reviews stay; restart the service to apply)."""
    from contractkit.service.users import remove_user

    if not remove_user(users_file, name):
        raise UsageFailure(f"{name} is not in {_shown(users_file)}")
    click.echo(f"removed {name} from {_shown(users_file)}; restart contractkit serve to apply", err=True)


@users.command("list")
@USERS_FILE_OPTION
@_fail_cleanly
def users_list(users_file):
    """The users and their roles."""
    from contractkit.service.users import UsersFileError, read_users

    try:
        for user in read_users(users_file):
            click.echo(f"{user.name}\t{user.role}")
    except UsersFileError as exc:
        raise UsageFailure(str(exc)) from None


if __name__ == "__main__":  # pragma: no cover
    main()
