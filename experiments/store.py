"""Job folders: atomic writes, the completion marker, and a job's state read back from disk.

A job writes its tables, its resolved `config.yaml` and `provenance.json`, each atomically
(a temporary file renamed into place; the long tables are streamed into theirs, see
`TableStream`), then `done.json` last: the list of those files with
their sizes and SHA-256 digests, and the digest of the config that made them. So a job killed
at any moment leaves no marker (incomplete), and a file changed or truncated afterwards no
longer matches its marker (corrupt), as does a marker that lists less than every job writes
(`REQUIRED`). A job that raised leaves `error.json` instead. What a killed writer leaves half
written (`.summary.parquet.*.tmp`, `PARTIAL`) is removed when the job runs again
(`clear_partial`). A job is known by its overrides (`job_overrides`), read from its `.hydra`
records or its `provenance.json`, as data.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

DONE = "done.json"
ERROR = "error.json"
CONFIG = "config.yaml"
PROVENANCE = "provenance.json"
#: The tables a job can write, one Parquet file each (`<kind>.parquet`).
TABLE_KINDS = ("steps", "summary", "votes", "countries")
#: The big ones (a row per draft and member, per country and year): written replicate by
#: replicate (`TableStream`), their parameter columns dictionary-encoded (categoricals in
#: pandas), small on disk.
LONG_TABLES = ("votes", "countries")
#: The files every finished job writes (its marker must list them).
REQUIRED = ("steps.parquet", "summary.parquet", CONFIG, PROVENANCE)
#: A temporary file of `atomic_write` or `TableStream` (`.<name>.<8 random characters>.tmp`):
#: what a job killed while writing leaves behind.
PARTIAL = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_UMASK = os.umask(0)
os.umask(_UMASK)
#: Job states, from best to worst.
COMPLETE, FAILED, INCOMPLETE, CORRUPT, MISSING = (
    "complete",
    "failed",
    "incomplete",
    "corrupt",
    "missing",
)


def atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Call `write(tmp)` on a temporary file beside `path`, then rename it to `path`.

    Args:
        path: Destination.
        write: Writes the whole content to the file name it is given.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes it private; files are shared results
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically."""
    atomic_write(path, lambda tmp: Path(tmp).write_text(text))


def replace_section(path: Path, begin: str, end: str, body: str) -> None:
    """Rewrite the generated section of a document: the text between its markers.

    Writes `begin`, `body` and `end` in place of the old section (atomically); the rest of
    the file is kept as it is.

    Raises:
        ValueError: The file does not hold one `begin` followed by one `end` (naming it).
    """
    text = path.read_text()
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise ValueError(f"{path}: expected one {begin} followed by one {end}")
    head, rest = text.split(begin, 1)
    write_text(path, f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}")


def write_json(path: Path, record: Any) -> None:
    """Write a JSON file atomically."""
    write_text(path, json.dumps(record, indent=2, default=str) + "\n")


def write_table(table: pd.DataFrame, path: Path) -> None:
    """Write a Parquet (or, for a `.csv` path, CSV) table atomically, without its index.

    The Parquet file is the one `table.to_parquet(path, index=False)` writes, byte for byte
    (`to_arrow` makes its Arrow table faster); a table with `attrs` is written by pandas.
    """
    if path.suffix == ".csv":
        atomic_write(path, lambda tmp: table.to_csv(tmp, index=False))
    elif table.attrs:  # pandas adds them to the file's metadata
        atomic_write(path, lambda tmp: table.to_parquet(tmp, index=False))
    else:
        import pyarrow.parquet as pq

        arrow = to_arrow(table)
        atomic_write(path, lambda tmp: pq.write_table(arrow, tmp, compression="snappy"))


#: The schemas `to_arrow` made, with pandas' metadata, by the columns' names, dtypes and Arrow
#: types (all that the schema depends on; a process sees a few layouts).
_SCHEMAS: dict[tuple, Any] = {}
#: Tables with more rows a column than this go to `pa.Table.from_pandas` (which converts
#: their columns in threads); the schema is what costs in the small, wide tables of a job.
_ROWS_A_COLUMN = 100


def to_arrow(table: pd.DataFrame):
    """`pa.Table.from_pandas(table, preserve_index=False)`, made faster for small tables.

    Each column is converted as `from_pandas` converts it (`pa.array(column,
    from_pandas=True)`; a column of a NumPy dtype as its NumPy values, which is what
    `pa.array` takes from the Series, without its checks of one); the schema is the one
    `from_pandas` made for the first table of the same layout (the names, dtypes and Arrow
    types of the columns, all that its pandas metadata depends on), kept in `_SCHEMAS`.
    Building that metadata, column by column, is most of the time `from_pandas` takes for a
    job's `steps` or `summary` (~116 columns, a few rows). Large tables, tables with
    `attrs`, columns that are not unique strings and columns that do not convert (for
    `from_pandas`'s error message) take the plain way.
    """
    import numpy as np
    import pyarrow as pa

    names = list(table.columns)
    if (
        not names
        or table.attrs
        or len(table) > _ROWS_A_COLUMN * len(names)
        or not all(isinstance(name, str) for name in names)
        or not table.columns.is_unique
    ):
        return _from_pandas(table)
    try:
        arrays = [
            pa.array(
                column.to_numpy() if isinstance(column.dtype, np.dtype) else column,
                from_pandas=True,
            )
            for _, column in table.items()
        ]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return _from_pandas(table)  # raises, naming the column
    layout = (tuple(names), tuple(table.dtypes), tuple(array.type for array in arrays))
    schema = _SCHEMAS.get(layout)
    if schema is None:
        arrow = _from_pandas(table)
        _SCHEMAS[layout] = arrow.schema
        return arrow
    return pa.Table.from_arrays(arrays, schema=schema)  # (their types: the schema's)


def _from_pandas(table: pd.DataFrame):
    """The Arrow table of `pa.Table.from_pandas`, as `DataFrame.to_parquet` makes it (no index)."""
    import pyarrow as pa

    return pa.Table.from_pandas(table, preserve_index=False)


def with_constants(arrow, constants: dict[str, Any]):
    """An Arrow table with `constants` as dictionary-encoded columns in front.

    A column with a value is declared non-nullable, which spares Parquet a definition level
    for each of its values (a sixth of the writing time of a votes table).
    """
    import numpy as np
    import pyarrow as pa

    indices = pa.array(np.zeros(arrow.num_rows, dtype=np.int8))
    for position, (name, value) in enumerate(constants.items()):
        if value is None:
            field = pa.field(name, pa.null())
            column = pa.nulls(arrow.num_rows)
        else:
            column = pa.DictionaryArray.from_arrays(indices, pa.array([value]))
            field = pa.field(name, column.type, nullable=False)
        arrow = arrow.add_column(position, field, column)
    return arrow


def write_arrow(arrow, path: Path) -> None:
    """Write an Arrow table atomically as Parquet (or CSV, for a `.csv` path)."""
    if path.suffix == ".csv":
        atomic_write(path, lambda tmp: arrow.to_pandas().to_csv(tmp, index=False))
        return
    import pyarrow.parquet as pq

    atomic_write(path, lambda tmp: pq.write_table(arrow, tmp, write_statistics=False))


class TableStream:
    """A long table written part by part, one Parquet row group each, by a background thread.

    A job hands each replicate's `votes` (or `countries`) table to `write` as soon as the
    replicate is done; a single writer thread encodes it (Arrow releases the GIL while it
    writes Parquet) into a temporary file beside `path` while the next replicate runs, and
    `close` renames the file into place. So the encoding of the parameter columns (most of the
    cost: every row holds them) overlaps the models instead of following them, and a job never
    holds more than two parts in memory. Parts are written in the order given, so the file is
    the same bit for bit as long as the parts are. A stream that is given no part writes no
    file (`written` is False): a model without a Council makes no votes. As a context manager
    it closes the stream when the block ends, or aborts it (removing the temporary file) when
    the block raises.
    """

    def __init__(self, path: Path, constants: dict[str, Any]) -> None:
        """Open the stream.

        Args:
            path: Destination (Parquet).
            constants: Parameter columns, written first and dictionary-encoded (see
                `with_constants`).
        """
        from concurrent.futures import ThreadPoolExecutor

        self.path = Path(path)
        self.constants = constants
        self.tmp: str | None = None  # the temporary file, made with the first part
        self.writer = None
        self.empty: pd.DataFrame | None = None
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="table-stream")
        self.pending = None

    def write(self, table: pd.DataFrame) -> None:
        """Queue one part (its columns and dtypes the same as the other parts')."""
        if self.tmp is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, self.tmp = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            os.close(handle)
        if table.empty:  # no rows (a run without drafts): its columns only, if nothing else
            if self.empty is None:
                self.empty = table
            return
        if self.pending is not None:
            self.pending.result()  # one part at a time; raises the writer's error here
        self.pending = self.thread.submit(self._write, table)

    def _write(self, table: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow = with_constants(pa.Table.from_pandas(table, preserve_index=False), self.constants)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.tmp, arrow.schema, write_statistics=False)
        self.writer.write_table(arrow)

    @property
    def written(self) -> bool:
        """True once a part was given: `close` writes `path`."""
        return self.tmp is not None

    def close(self) -> None:
        """Wait for the last part, finish the file and rename it to `path` (if any part)."""
        if self.pending is not None:
            self.pending.result()
        self.thread.shutdown()
        if not self.written:
            return
        if self.writer is None:  # nothing but empty parts
            self._write(self.empty)
        self.writer.close()
        os.chmod(self.tmp, 0o666 & ~_UMASK)
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        """Stop writing and remove the temporary file (`path` is left as it was)."""
        self.thread.shutdown(cancel_futures=True)
        if self.writer is not None:
            try:
                self.writer.close()
            except Exception:  # noqa: BLE001  (the job's own error is the one to report)
                pass
        if self.tmp is not None and os.path.exists(self.tmp):
            os.remove(self.tmp)

    def __enter__(self) -> TableStream:
        """The stream itself."""
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Close the stream, or abort it if the block raised."""
        if kind is None:
            self.close()
        else:
            self.abort()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mark_done(folder: Path, files: list[str], config_digest: str, **extra: Any) -> None:
    """Write `done.json` listing `files` (names in `folder`) with their sizes and digests.

    Call it last: the marker says that everything before it was written completely.
    """
    listed = {
        name: {"bytes": (folder / name).stat().st_size, "sha256": file_digest(folder / name)}
        for name in files
    }
    write_json(folder / DONE, {"config_sha256": config_digest, "files": listed, **extra})


def record_error(folder: Path, error: BaseException) -> None:
    """Write `error.json`: the exception's type, message and traceback."""
    write_json(
        folder / ERROR,
        {
            "type": type(error).__name__,
            "message": str(error),
            "traceback": "".join(traceback.format_exception(error)),
        },
    )


def clear_markers(folder: Path) -> None:
    """Remove `done.json` (first) and `error.json` before a job (re)writes its folder."""
    for name in (DONE, ERROR):
        (folder / name).unlink(missing_ok=True)


def partial_files(folder: Path) -> list[Path]:
    """The temporary files a killed writer left in `folder` (`.summary.parquet.*.tmp`, ...)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if PARTIAL.match(p.name) and p.is_file())


def clear_partial(folder: Path) -> list[str]:
    """Remove what `partial_files` finds, before a job (re)writes its folder; their names.

    Only the job that owns the folder writes there (a sweep holds its folder's lock and
    never lists a job twice), so any such file is a leftover of a writer that is gone.
    """
    removed = []
    for path in partial_files(folder):
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


@dataclass
class JobState:
    """What a job folder holds.

    Attributes:
        folder: The job folder.
        status: COMPLETE, FAILED, INCOMPLETE (started, no marker), CORRUPT (a listed file is
            missing or differs from its marker) or MISSING (no folder).
        detail: The error message, or what is wrong.
        marker: The content of `done.json` when complete.
    """

    folder: Path
    status: str
    detail: str = ""
    marker: dict = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every listed output is there, as written."""
        return self.status == COMPLETE

    def tables(self) -> dict[str, Path]:
        """The complete job's table files by kind."""
        return {
            kind: self.folder / f"{kind}.parquet"
            for kind in TABLE_KINDS
            if f"{kind}.parquet" in self.marker.get("files", {})
        }


def job_state(folder: Path) -> JobState:
    """Read a job folder's state, checking every file its marker lists.

    Args:
        folder: The job folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return JobState(folder, MISSING, "no job folder")
    done = folder / DONE
    if done.is_file():
        try:
            marker = json.loads(done.read_text())
        except (ValueError, OSError) as error:
            return JobState(folder, CORRUPT, f"{DONE} unreadable: {error}")
        problem = marker_problem(marker)
        if problem:
            return JobState(folder, CORRUPT, f"{DONE} {problem}")
        for name, expected in marker["files"].items():
            path = folder / name
            if not path.is_file():
                return JobState(folder, CORRUPT, f"{name} is missing")
            size = path.stat().st_size
            if size != expected["bytes"]:
                return JobState(
                    folder, CORRUPT, f"{name} has {size} bytes, {expected['bytes']} were written"
                )
            if file_digest(path) != expected["sha256"]:
                return JobState(folder, CORRUPT, f"{name} differs from what was written")
        return JobState(folder, COMPLETE, marker=marker)
    error = folder / ERROR
    if error.is_file():
        try:
            record = json.loads(error.read_text())
            detail = f"{record['type']}: {record['message']}"
        except (ValueError, KeyError):
            detail = "error.json unreadable"
        return JobState(folder, FAILED, detail)
    partial = partial_files(folder)
    detail = "started, never finished (killed?)"
    if partial:
        detail += f"; {len(partial)} partly written files left (removed when it reruns)"
    return JobState(folder, INCOMPLETE, detail)


def marker_problem(marker: Any) -> str:
    """What is wrong with the content of a `done.json` ("" if nothing).

    A marker names the config digest and lists at least the files every job writes, each
    with its size and digest, by plain file names in the job folder.
    """
    if not isinstance(marker, dict):
        return "is not a JSON object"
    if not isinstance(marker.get("config_sha256"), str):
        return "has no config_sha256"
    files = marker.get("files")
    if not isinstance(files, dict):
        return "lists no files"
    for name, expected in files.items():
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            return f"lists {name!r}, not a file of the job folder"
        if not (
            isinstance(expected, dict)
            and isinstance(expected.get("bytes"), int)
            and isinstance(expected.get("sha256"), str)
        ):
            return f"has no size and digest for {name}"
    absent = [name for name in REQUIRED if name not in files]
    if absent:
        return f"does not list {', '.join(absent)} (every job writes them)"
    return ""


def job_overrides(folder: Path) -> list[str] | None:
    """The overrides that made the job in `folder` (its identity in a sweep); None: unknown.

    From `.hydra/overrides.yaml`, else Hydra's `.hydra/hydra.yaml`, else the job's
    `provenance.json` (each records the same list), so that one deleted record does not make
    a job unknown. Read as data (YAML's safe loader, JSON).
    """
    import yaml

    folder = Path(folder)
    readers = (
        (folder / ".hydra" / "overrides.yaml", lambda text: yaml.safe_load(text) or []),
        (
            folder / ".hydra" / "hydra.yaml",
            lambda text: yaml.safe_load(text)["hydra"]["overrides"]["task"],
        ),
        (folder / PROVENANCE, lambda text: json.loads(text)["hydra"]["overrides"]),
    )
    for path, read in readers:
        if not path.is_file():
            continue
        try:
            overrides = read(path.read_text())
        except (ValueError, KeyError, TypeError, OSError, yaml.YAMLError):
            continue
        if isinstance(overrides, list) and all(isinstance(o, str) for o in overrides):
            return overrides
    return None


def find_jobs(root: Path) -> list[Path]:
    """Job folders under `root`, itself included: those with a marker or a `.hydra/` record."""
    root = Path(root)
    found = set()
    for pattern in (DONE, ERROR, ".hydra/overrides.yaml", ".hydra/hydra.yaml"):
        for path in root.rglob(pattern):
            folder = path.parent if not pattern.startswith(".hydra/") else path.parent.parent
            if ".submitit" not in folder.relative_to(root).parts:
                found.add(folder)
    return sorted(found)
