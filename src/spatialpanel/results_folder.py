"""A results folder as one unit: staged writing, whole replacement, a manifest that never lies.

What a results folder guarantees (``spatialpanel run`` and ``spatialpanel report`` both hold to
it; docs/user-guide.md, "What a results folder guarantees"):

- **Complete or untouched.** Everything is written into a hidden sibling folder
  (``.NAME.partial-XXXXXXXX``) and moved into place only when every file, ``manifest.json``
  last, is written. A failed or interrupted run (an error, Ctrl-C, a full disk) deletes that
  sibling and leaves the previous folder as it was; a successful run replaces the previous
  folder whole, so no file of an earlier run survives beside the new ones.
- **The manifest is true.** ``manifest.json`` maps every other file of the folder (path
  relative to the folder, ``/``-separated) to its SHA-256. :func:`verify` refuses a folder
  without a manifest (incomplete, or not a results folder), with files missing, changed or
  added since, or with symbolic links, naming the files.
- **Inputs are never written.** :func:`check_target` refuses a results folder that is, or lies
  above, any input of the study (data, study and weights files), an existing file, and an
  existing folder that holds files spatialpanel did not write.
- **Nothing outside the folder is read.** :func:`inside` resolves a path taken from the folder's
  own files (``stages.json``) and refuses one that leads outside it.

The module knows nothing of studies or reports (both use it); it also holds
:func:`normalise_zip`, which makes zip containers (xlsx, docx) byte-reproducible. Text cells
that a spreadsheet would evaluate are made inert by :mod:`spatialpanel.spreadsheet_cells`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from spatialpanel.errors import ResultsError

__all__ = [
    "MANIFEST",
    "check_target",
    "folder_hashes",
    "inside",
    "normalise_zip",
    "sha256_file",
    "staged",
    "staged_additions",
    "verify",
    "write_manifest",
]

MANIFEST = "manifest.json"
#: The key that marks a manifest as spatialpanel's (its value is the format version).
MARK = "spatialpanel_results"
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_SHOWN = 10


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


#: Members already compressed by their format (the figures of a Word report), which the zip
#: container stores as they are: deflating them again took 0.12 CPU-s for the demo's 4.3 MB
#: of PNGs and saved 4 % of their size.
_STORED = (".png", ".jpg", ".jpeg", ".gif")


def normalise_zip(path: Path) -> None:
    """Rewrite a zip container (xlsx, docx) with fixed timestamps so its bytes are reproducible.

    Both the zip entries' dates and the document's created/modified properties are fixed. XML
    and other text members are deflated; images, compressed by their own format, are stored
    (zip method 0, which the Open Packaging Conventions, ECMA-376 Part 2, permit beside
    deflate).
    """
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
    items = [
        (info, stamp.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data))
        if info.filename == "docProps/core.xml"
        else (info, data)
        for info, data in items
    ]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            new = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            stored = info.filename.lower().endswith(_STORED)
            new.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            zout.writestr(new, data)


# --- the manifest --------------------------------------------------------------------------------
def folder_hashes(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``root`` except the top ``manifest.json``.

    Raises
    ------
    ResultsError
        When the folder holds a symbolic link (a results folder never does; following one could
        read or list files outside the folder).
    """
    out: dict[str, str] = {}
    for here, dirs, files in os.walk(root):
        base = Path(here)
        for name in sorted(dirs + files):
            path = base / name
            if path.is_symlink():
                rel = path.relative_to(root).as_posix()
                raise ResultsError(
                    f"{root}: {rel!r} is a symbolic link; a results folder holds only the files "
                    "spatialpanel wrote. Remove the link (or rerun `spatialpanel run`)."
                )
        for name in files:
            path = base / name
            rel = path.relative_to(root).as_posix()
            if rel != MANIFEST:
                out[rel] = sha256_file(path)
    return dict(sorted(out.items()))


def write_manifest(root: Path, header: Mapping[str, Any]) -> Path:
    """Write ``root/manifest.json``: ``header`` plus ``outputs`` hashing every other file.

    Call it last: the manifest describes the folder as it is when it is written.
    """
    manifest = {MARK: 1, **{k: v for k, v in header.items() if k != "outputs"}}
    manifest["outputs"] = folder_hashes(root)
    path = root / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(
            f"{path} is not a readable manifest ({exc}); the folder was changed after it was "
            "written. Rerun `spatialpanel run STUDY --out DIR`."
        ) from None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or MARK not in data
        or not isinstance(outputs, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items())
    ):
        raise ResultsError(
            f"{path} is not a spatialpanel manifest (no {MARK!r} mark or no 'outputs' mapping "
            "of file -> sha256). Pass a folder written by `spatialpanel run`."
        )
    return data


def verify(root: str | Path) -> dict[str, Any]:
    """Check a results folder against its manifest; return the manifest.

    Raises
    ------
    ResultsError
        Naming the folder and the files: no manifest (an interrupted run, or not a results
        folder), a listed file missing or changed, a file the manifest does not list, a path
        that leads outside the folder, a symbolic link.
    """
    root = Path(root)
    if not root.is_dir():
        raise ResultsError(
            f"{root} is not a folder. Pass the results folder that `spatialpanel run --out DIR` "
            "wrote."
        )
    manifest = _read_manifest(root)
    if manifest is None:
        what = (
            "an incomplete results folder (stages.json but no manifest.json: an interrupted run, "
            "or one written before manifests were last)"
            if (root / "stages.json").exists()
            else "not a spatialpanel results folder (no manifest.json)"
        )
        raise ResultsError(
            f"{root} is {what}. Pass the folder that `spatialpanel run --out DIR` wrote, or "
            "rerun it."
        )
    listed: dict[str, str] = manifest["outputs"]
    for rel in listed:
        inside(root, rel, what=f"manifest entry {rel!r}")
    present = folder_hashes(root)
    missing = [p for p in listed if p not in present]
    changed = [p for p in listed if p in present and present[p] != listed[p]]
    extra = [p for p in present if p not in listed]
    problems = []
    for label, names in (
        ("missing", missing),
        ("changed since the manifest was written", changed),
        ("not in the manifest", extra),
    ):
        if names:
            shown = ", ".join(names[:_SHOWN]) + (" ..." if len(names) > _SHOWN else "")
            problems.append(f"{len(names)} file(s) {label}: {shown}")
    if problems:
        raise ResultsError(
            f"{root} does not match its manifest.json ({'; '.join(problems)}); its files are "
            "not the ones one run wrote together. Rerun `spatialpanel run STUDY --out DIR` (or "
            "restore the files)."
        )
    return manifest


def inside(root: Path, rel: object, *, what: str = "path") -> Path:
    """``root/rel`` for a relative path read from the folder's own files, checked to stay inside.

    Refuses (:class:`~spatialpanel.errors.ResultsError`) anything but a non-empty relative path
    without ``..``, and a path whose resolved location (symbolic links followed) is outside
    ``root``.
    """
    text = rel if isinstance(rel, str) else ""
    posix = PurePosixPath(text)
    if (
        not text
        or "\x00" in text
        or posix.is_absolute()
        or PureWindowsPath(text).drive
        or PureWindowsPath(text).is_absolute()
        or ".." in posix.parts
        or ".." in PureWindowsPath(text).parts
    ):
        raise ResultsError(
            f"{root}: {what} {rel!r} is not a path inside the results folder; the folder's files "
            "were changed. Rerun `spatialpanel run STUDY --out DIR`."
        )
    full = root / posix
    base = root.resolve()
    if not full.resolve().is_relative_to(base):
        raise ResultsError(
            f"{root}: {what} {rel!r} leads outside the results folder (to "
            f"{full.resolve()}); nothing outside it is read. Rerun `spatialpanel run`."
        )
    return full


# --- where a results folder may go ---------------------------------------------------------------
def check_target(target: Path, inputs: Mapping[str, Path] | Iterable[tuple[str, Path]]) -> None:
    """Refuse a results folder that would destroy or mix with anything but an earlier result.

    ``inputs`` maps a description (``"data file"``) to each input path of the study.

    Raises
    ------
    ResultsError
        When ``target`` is an existing file; is, or lies above, an input; or is an existing
        folder holding files that no spatialpanel manifest in it lists (the user's files, or an
        interrupted run of an older version). An empty folder and an earlier results folder are
        accepted: they are replaced whole.
    """
    target = Path(os.path.abspath(Path(target).expanduser()))
    if target == Path(os.path.abspath(os.curdir)) or target in Path.cwd().parents:
        raise ResultsError(
            f"--out {target} is the current folder or one of its parents; a run replaces its "
            "results folder whole. Name a folder of its own, e.g. --out results."
        )
    if target.exists() and not target.is_dir():
        raise ResultsError(
            f"--out {target} is an existing file, not a folder; the results folder holds many "
            f"files. Pass a new folder, e.g. --out {target.with_suffix('')}-results."
        )
    resolved = target.resolve()
    pairs = inputs.items() if isinstance(inputs, Mapping) else inputs
    for role, path in pairs:
        where = Path(path).expanduser().resolve()
        if where == resolved or resolved in where.parents:
            raise ResultsError(
                f"--out {target} would hold the study's {role} {path}: a run replaces its results "
                "folder whole, so it may never be, or contain, the study's inputs. Choose a "
                f"folder of its own, e.g. --out {target / 'results'}."
            )
    if target.is_dir():
        present = [p.name for p in sorted(target.iterdir())]
        if not present:
            return
        manifest = _read_manifest(target)
        if manifest is None:
            shown = ", ".join(present[:_SHOWN]) + (" ..." if len(present) > _SHOWN else "")
            raise ResultsError(
                f"--out {target} exists and holds files that spatialpanel did not write (no "
                f"manifest.json): {shown}. A run replaces its results folder whole; choose a new "
                "or empty folder."
            )
        foreign = [p for p in folder_hashes(target) if p not in manifest["outputs"]]
        if foreign:
            shown = ", ".join(foreign[:_SHOWN]) + (" ..." if len(foreign) > _SHOWN else "")
            raise ResultsError(
                f"--out {target} is an earlier results folder, but holds files its manifest does "
                f"not list: {shown}. A run replaces the folder whole and would delete them; move "
                "them out first, or choose another folder."
            )


# --- staged writing and whole replacement --------------------------------------------------------
@contextlib.contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield a fresh hidden sibling of ``target`` to write into; on success it replaces
    ``target`` whole, on any exception (including ``KeyboardInterrupt``) it is deleted and
    ``target`` is left as it was.

    Raises
    ------
    ResultsError
        When the sibling cannot be created (a read-only or missing location).
    """
    target = Path(os.path.abspath(Path(target).expanduser()))
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=parent))
    except OSError as exc:
        raise ResultsError(
            f"cannot write the results folder {target}: {exc.strerror or exc} ({parent}). "
            "Choose a writable location with --out."
        ) from None
    try:
        stage.chmod(_folder_mode(target))
        yield stage
        _replace(stage, target)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


@contextlib.contextmanager
def staged_additions(root: Path, header: Mapping[str, Any]) -> Iterator[Path]:
    """Yield a fresh hidden sibling of the results folder ``root`` to write new or replaced
    files into (same relative paths); on success they are moved into ``root`` and the manifest
    is rewritten (``header`` plus the hashes of every file), all with Ctrl-C held back, so that
    ``root`` never holds some of the files without the manifest that lists them. On any
    exception the sibling is deleted and ``root`` is left as it was.

    Unlike :func:`staged` the folder itself stays in place (``spatialpanel report .`` run from
    inside it keeps working).
    """
    root = Path(os.path.abspath(Path(root).expanduser()))
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{root.name}.partial-", dir=root.parent))
    except OSError as exc:
        raise ResultsError(
            f"cannot write beside the results folder {root}: {exc.strerror or exc}. Copy the "
            "folder to a writable location first."
        ) from None
    try:
        yield stage
        manifest_tmp = stage / MANIFEST
        with _interrupts_deferred():
            for path in sorted(p for p in stage.rglob("*") if p.is_file() and p != manifest_tmp):
                dest = root / path.relative_to(stage)
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, dest)
            # the manifest is written beside the folder, then moved in: it is never partial
            manifest = {MARK: 1, **{k: v for k, v in header.items() if k != "outputs"}}
            manifest["outputs"] = folder_hashes(root)
            manifest_tmp.write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            os.replace(manifest_tmp, root / MANIFEST)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _folder_mode(target: Path) -> int:
    """The mode of the folder being replaced, else that of a new folder under the umask."""
    if target.is_dir():
        return target.stat().st_mode & 0o7777
    mask = os.umask(0)
    os.umask(mask)
    return 0o777 & ~mask


def _replace(stage: Path, target: Path) -> None:
    """Move ``stage`` to ``target``; an existing ``target`` is moved aside first, then deleted.
    Ctrl-C is held back until the swap is complete (the folder is never left half-moved)."""
    with _interrupts_deferred():
        if target.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            old.rmdir()
            os.rename(target, old)
            try:
                os.rename(stage, target)
            except BaseException:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, target)


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: Any) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
