"""Command-line interface: ``spatialpanel run | examples | init | validate | report``.

Heavy modules are imported inside the commands so that ``spatialpanel --help`` stays fast.

One error path (:func:`_user_errors`): every failure caused by the user's files, options or
environment — spatialpanel's own errors, unreadable or undecodable files, permissions, a full
disk — ends as one ``Error: ...`` line on stderr with exit code 2 (Ctrl-C: exit 130), never a
traceback. Text that comes from the user (titles, names, paths, messages quoting them) is
stripped of control characters and escaped for rich's markup before it reaches the terminal.
"""

from __future__ import annotations

import contextlib
import errno
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="From a region-by-year panel of raw indicators to a publication-ready spatial study.",
)


def _version(value: bool) -> None:
    if value:
        from spatialpanel import __version__

        typer.echo(f"spatialpanel {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """From a region-by-year panel of raw indicators to a publication-ready spatial study."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: object) -> str:
    """User text made safe for the terminal: control characters (ANSI escapes, bidi
    overrides) removed and rich markup escaped."""
    from rich.markup import escape

    return escape(_CONTROL.sub("", str(text)))


def _fail(exc: Exception | str, *, code: int = 2) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Error:[/] {_plain(exc)}", highlight=False)
    raise typer.Exit(code=code)


def _os_message(exc: OSError) -> str:
    """An OSError said plainly, naming the file."""
    where = f" {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"the disk is full (no space left on device){where}; a results folder being "
            "written was removed and an earlier one is untouched. Free some space and rerun."
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied:{where} ({exc.strerror}). Use a location you may read and write."
    return f"{exc.strerror or exc}:{where}." if exc.strerror else f"{exc}"


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Turn every failure the user can fix into ``Error: ...`` and exit code 2."""
    from spatialpanel.errors import SpatialPanelError

    try:
        yield
    except typer.Exit:
        raise
    except SpatialPanelError as exc:
        _fail(exc)
    except UnicodeError as exc:
        _fail(
            f"a file is not text in the expected encoding ({exc}). Save it as UTF-8, or name its "
            'encoding (e.g. [data] encoding = "gbk").'
        )
    except OSError as exc:
        _fail(_os_message(exc))
    except KeyboardInterrupt:
        _fail(
            "interrupted; nothing was replaced (an earlier results folder is untouched).", code=130
        )


@app.command()
def run(
    study: Annotated[
        Path | None,
        typer.Argument(help="STUDY.toml; omit it (and --example) to run the default example."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Results folder.")] = None,
    lang: Annotated[
        str | None, typer.Option(help="Report language: en, zh or any language with a catalogue.")
    ] = None,
    report: Annotated[bool, typer.Option(help="Write the report.")] = True,
    example: Annotated[
        str | None,
        typer.Option(
            "--example", "-e", help="Run a bundled example (see `spatialpanel examples`)."
        ),
    ] = None,
) -> None:
    """Run a study end to end and write its results folder and report."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from spatialpanel.data.bundled import dataset_mark, dataset_meta, real_counterpart
    from spatialpanel.errors import ConfigError
    from spatialpanel.study.config import load_example_study, load_study
    from spatialpanel.study.pipeline import check_run_options, run_study

    console = Console()
    with _user_errors():
        if example is not None and study is not None:
            raise ConfigError(
                f"give a study file ({study}) or --example {example}, not both; run the example "
                "alone, or copy its study file and edit it."
            )
        config = load_example_study(example) if example is not None else load_study(study)
        check_run_options(config, out_dir=out, lang=lang)
        title = config.section("study").get("title", "")
        console.print(f"[bold]{_plain(title)}[/]", highlight=False)
        bundled = config.bundled_dataset
        mark = dataset_mark(bundled) if bundled is not None else None
        if bundled is not None and mark == "synthetic":
            counterpart = real_counterpart(dataset_meta(bundled))
            console.print(
                "[yellow]Demonstration study on SYNTHETIC data[/] (generated by spatialpanel on "
                f"the real geography; not {counterpart} figures)."
            )
        elif mark == "real-reduced":
            console.print(
                "[cyan]Real data, reduced indicator system[/] (published NBS statistics; what the "
                "seed paper used that is missing: docs/data-china-nbs.md)."
            )
        with Progress(
            TextColumn("{task.description:<48}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            task = bar.add_task("Starting", total=1)

            def progress(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            result = run_study(config, out_dir=out, lang=lang, report=report, progress=progress)
    n_tables = sum(len(s.tables) for s in result.stages)
    n_figs = sum(len(s.figures) for s in result.stages)
    console.print(
        f"Wrote {n_tables} tables and {n_figs} figures to [bold]{_plain(result.out_dir)}[/]",
        highlight=False,
    )
    if result.report is not None:
        console.print(f"Report: [bold]{_plain(result.report)}[/]", highlight=False)
    from spatialpanel.text import render

    for stage in result.stages:
        for sentence in stage.sentences[:2]:
            text = render(sentence.text, result.lang, result.labels)
            console.print(f"  • {_plain(text)}", highlight=False)


@app.command()
def examples() -> None:
    """List the bundled examples, one per line: its name, then what it is."""
    from spatialpanel.data.bundled import examples as bundled

    for ex in bundled():
        default = " [default: `spatialpanel run` runs it]" if ex.default else ""
        typer.echo(f"{ex.name}  {ex.title}. {ex.description}{default}")


@app.command()
def validate(
    study: Annotated[Path, typer.Argument(help="STUDY.toml to check.")],
    data: Annotated[bool, typer.Option(help="Also read and check the data file.")] = True,
    lang: Annotated[
        str | None, typer.Option(help="Also check a report language for `run --lang`.")
    ] = None,
) -> None:
    """Check a study file (and its data) without running anything else.

    Every option that `run` can refuse is checked here: a study that validates runs.
    """
    from rich.console import Console

    from spatialpanel.study.config import load_study
    from spatialpanel.study.pipeline import check_run_options, validate_study

    console = Console()
    with _user_errors():
        config = load_study(study)
        check_run_options(config, lang=lang)
        if data:
            what = (
                "the data"
                if config.bundled_dataset or config.is_demo
                else (config.data_path().name)
            )
            with console.status(f"Reading and checking {_plain(what)} …", spinner="line"):
                out = validate_study(config, lang=lang)
            for sentence in out.sentences:
                console.print(_plain(sentence.text), highlight=False)
    console.print(f"[green]OK[/]: {_plain(study)} is a valid study.", highlight=False)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the study in.")],
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Create a study template and an Excel data-entry template for the 31 provinces."""
    from rich.console import Console

    from spatialpanel.study.template import write_template

    with _user_errors():
        files = write_template(directory, overwrite=force)
    console = Console()
    for f in files:
        console.print(f"created {_plain(f)}", highlight=False)
    console.print(
        f"Fill in {_plain(files[1].name)}, then run: spatialpanel validate {_plain(files[0])} && "
        f"spatialpanel run {_plain(files[0])}",
        highlight=False,
    )


@app.command()
def report(
    results_dir: Annotated[Path, typer.Argument(help="A results folder written by `run`.")],
    lang: Annotated[
        str, typer.Option(help="Report language: en, zh or any language with a catalogue.")
    ] = "en",
) -> None:
    """Rebuild the report from a saved results folder without refitting.

    The folder is checked against its manifest first; English files are left as they are when
    another language is written (report.zh.html, report.zh.docx, tables.zh.tex, tables.zh.md).
    """
    from rich.console import Console

    from spatialpanel.report.build import build_report

    with _user_errors():
        path = build_report(results_dir, lang=lang)
    Console().print(f"Report: [bold]{_plain(path)}[/]", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    app()
