"""Job outputs written part by part (`TableStream`) and the sweeper that composes once."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

import experiments.store
from experiments.run import CONFIGS
from experiments.store import TableStream, with_constants, write_arrow, write_table
from hydra_plugins.powershift_sweeper._sweeper import (
    ComposedOverrides,
    KeptConfigs,
    PowershiftSweeper,
)

CONSTANTS = {"alignment": "hedging", "shock_sd": 0.01, "gdp_elasticity_exporter": None}


def part(replicate: int) -> pd.DataFrame:
    votes = pd.Categorical(["yes", "no", "abstain", "yes"], categories=["yes", "no", "abstain"])
    return pd.DataFrame({"replicate": replicate, "draft": range(4), "vote": votes})


def test_stream_writes_the_parts_in_order_as_the_whole_table_would_be(tmp_path):
    with TableStream(tmp_path / "votes.parquet", CONSTANTS) as stream:
        for replicate in range(3):
            stream.write(part(replicate))
        stream.write(part(3).iloc[:0])  # a replicate without rows adds nothing
    whole = pa.Table.from_pandas(pd.concat([part(r) for r in range(3)]), preserve_index=False)
    write_arrow(with_constants(whole, CONSTANTS), tmp_path / "whole.parquet")
    streamed = pd.read_parquet(tmp_path / "votes.parquet")
    pd.testing.assert_frame_equal(streamed, pd.read_parquet(tmp_path / "whole.parquet"))
    assert list(streamed.columns[:3]) == list(CONSTANTS)
    assert pq.ParquetFile(tmp_path / "votes.parquet").metadata.num_row_groups == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["votes.parquet", "whole.parquet"]


def test_stream_of_empty_parts_writes_their_columns(tmp_path):
    with TableStream(tmp_path / "votes.parquet", CONSTANTS) as stream:
        stream.write(part(0).iloc[:0])
    table = pd.read_parquet(tmp_path / "votes.parquet")
    assert len(table) == 0 and list(table.columns) == [*CONSTANTS, "replicate", "draft", "vote"]


def test_stream_given_no_part_writes_no_file(tmp_path):
    with TableStream(tmp_path / "votes.parquet", CONSTANTS) as stream:
        pass
    assert not stream.written and not list(tmp_path.iterdir())


def test_stream_left_by_an_error_leaves_no_file(tmp_path):
    (tmp_path / "votes.parquet").write_text("an older file stays as it was")
    with pytest.raises(RuntimeError, match="the model broke"):
        with TableStream(tmp_path / "votes.parquet", CONSTANTS) as stream:
            stream.write(part(0))
            raise RuntimeError("the model broke")
    assert [p.name for p in tmp_path.iterdir()] == ["votes.parquet"]
    assert (tmp_path / "votes.parquet").read_text() == "an older file stays as it was"


def test_stream_reports_a_part_that_does_not_fit(tmp_path):
    with pytest.raises(Exception, match="schema|Schema|draft"):
        with TableStream(tmp_path / "votes.parquet", CONSTANTS) as stream:
            stream.write(part(0))
            stream.write(part(1).assign(draft=lambda t: t["draft"].astype(str)))
            stream.write(part(2))
    assert not (tmp_path / "votes.parquet").exists()
    assert not list(tmp_path.iterdir()), "no temporary file is left"


def job_table(rows: int, shift: float = 0.0, **columns) -> pd.DataFrame:
    """A table with the kinds of column a job's and a collection's tables hold."""
    polarity = np.linspace(1, 3, rows) + shift
    polarity[::3] = np.nan  # NaN: a null in Arrow, NaN again in pandas
    table = pd.DataFrame(
        {
            "alignment": "hedging",  # str
            "gdp_elasticity_exporter": None,  # object, every value None
            "shock_sd": 0.01 + shift,
            "seed": 7,
            "initial_sanctions": True,
            "strategy_USA": pd.Series(["contain", None] * rows, dtype="str")[:rows].to_numpy(),
            "replicate": np.arange(rows) // 2,
            "polarity": polarity,
            "bloc": pd.Categorical(["West", "Eurasia", None] * rows)[:rows],
            "vote": pd.Categorical(["no", "yes"] * rows, ["no", "abstain", "yes"], True)[:rows],
            "wars_ongoing": np.arange(rows, dtype=np.int8),
            "note": np.array([1.5, None] * rows, dtype=object)[:rows],  # object, floats
        },
        index=np.arange(rows) + 10,  # not written
    )
    return table.assign(**columns)


def test_a_table_is_written_as_pandas_writes_it(tmp_path, monkeypatch):
    # the schema of a layout is made once (`to_arrow`), the tables after it reuse it: the
    # file must be the one `DataFrame.to_parquet` writes, byte for byte, whatever the layout
    monkeypatch.setattr(experiments.store, "_SCHEMAS", {})
    made = []
    from_pandas = experiments.store._from_pandas
    monkeypatch.setattr(
        experiments.store, "_from_pandas", lambda table: made.append(1) or from_pandas(table)
    )
    tables = [
        job_table(5),
        job_table(7, shift=0.5),  # the same layout: the schema is reused
        job_table(7, gdp_elasticity_exporter=1.1),  # object -> float64
        job_table(4, note=None),  # the same dtypes, another Arrow type (null, not double)
        job_table(4, gdp_elasticity_exporter="x"),  # object -> str
        job_table(0),
        job_table(3, bloc=pd.Categorical(["a", "b", "c"])),  # other categories
        job_table(5, shift=1.0),
        pd.concat([job_table(2), job_table(3)]),  # str columns of two chunks in Arrow
        job_table(3000),  # large: pyarrow's own way
    ]
    for number, table in enumerate(tables):
        write_table(table, tmp_path / "ours.parquet")
        table.to_parquet(tmp_path / "pandas.parquet", index=False)
        ours = (tmp_path / "ours.parquet").read_bytes()
        assert ours == (tmp_path / "pandas.parquet").read_bytes(), number
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "ours.parquet"),
            pd.read_parquet(tmp_path / "pandas.parquet"),
            check_exact=True,
        )
    assert len(experiments.store._SCHEMAS) == 6, "one schema for each layout"
    assert len(made) == 7, "by pyarrow: a table of each layout and the large one, no other"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.parquet", "pandas.parquet"]


def test_a_column_arrow_cannot_convert_fails_as_pandas_says(tmp_path):
    table = job_table(3, note=np.array([1, "a", None], dtype=object))
    with pytest.raises(pa.ArrowInvalid) as pandas_error:
        table.to_parquet(tmp_path / "pandas.parquet", index=False)
    for _ in range(2):  # also once its layout (without the bad column) is known
        with pytest.raises(pa.ArrowInvalid) as ours:
            write_table(table, tmp_path / "ours.parquet")
        assert ours.value.args == pandas_error.value.args
        assert "Conversion failed for column note" in str(ours.value)
        write_table(job_table(3), tmp_path / "ours.parquet")
    (tmp_path / "ours.parquet").unlink()
    assert not list(tmp_path.iterdir()), "no file and no temporary file is left"


def test_a_table_with_attrs_keeps_them(tmp_path):
    table = job_table(3)
    table.attrs = {"source": "a study"}
    write_table(table, tmp_path / "ours.parquet")
    table.to_parquet(tmp_path / "pandas.parquet", index=False)
    assert (tmp_path / "ours.parquet").read_bytes() == (tmp_path / "pandas.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "ours.parquet").attrs == {"source": "a study"}


class CountingLoader:
    """Stands in for Hydra's config loader: composes with OmegaConf, counting the calls."""

    def __init__(self):
        self.calls = 0

    def load_sweep_config(self, master_config, sweep_overrides):
        self.calls += 1
        return OmegaConf.merge(master_config, OmegaConf.from_dotlist(sweep_overrides))

    def get_search_path(self):
        return "the loader's own"


def test_kept_configs_serve_each_checked_job_once():
    loader = CountingLoader()
    kept = KeptConfigs(loader)
    master = OmegaConf.create({"seed": 0, "steps": 1})
    for seed in (1, 2):
        kept.keep(master, [f"seed={seed}"])
    assert loader.calls == 2
    first = kept.load_sweep_config(master, ["seed=1"])
    assert first == OmegaConf.create({"seed": 1, "steps": 1}) and loader.calls == 2
    assert kept.load_sweep_config(master, ["seed=1"]).seed == 1 and loader.calls == 3, "once"
    assert kept.get_search_path() == "the loader's own"


def test_a_composed_config_travels_with_its_overrides_not_with_the_loader():
    loader = CountingLoader()
    kept = KeptConfigs(loader)
    master = OmegaConf.create({"seed": 0, "steps": 1})
    jobs = [ComposedOverrides([f"seed={s}"], kept.keep(master, [f"seed={s}"])) for s in (1, 2)]
    assert jobs[1] == ["seed=2"] and loader.calls == 2  # Hydra sees a list of overrides
    # a joblib worker gets the loader and one job's overrides, pickled
    worker_loader, job = pickle.loads(pickle.dumps((kept, jobs[1])))
    assert worker_loader.kept == {} and isinstance(worker_loader.loader, CountingLoader)
    config = worker_loader.load_sweep_config(master, list(job))  # as the launcher calls it
    assert config.seed == 2 and worker_loader.loader.calls == 2, "not composed again"
    assert worker_loader.load_sweep_config(master, ["seed=2"]).seed == 2
    assert worker_loader.loader.calls == 3, "served once"


def test_the_default_sweeper_is_the_one_that_composes_once():
    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        cfg = compose("config", return_hydra_config=True)
    assert cfg.hydra.sweeper._target_ == f"{PowershiftSweeper.__module__}.PowershiftSweeper"


def test_the_sweeper_works_when_imported_before_hydra_scans_its_plugins(tmp_path):
    # Hydra's plugin scan executes its basic sweeper's module again; a sweeper made from the
    # class it replaces must still run (a subclass of BasicSweeper did not)
    script = (
        "import sys\n"
        "import hydra_plugins.powershift_sweeper._sweeper\n"
        "from experiments.run import main\n"
        f"sys.argv = ['run', '-m', 'steps=1', 'replicates=1', 'seed=1,2',"
        f" 'hydra.sweep.dir={tmp_path}']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=CONFIGS.parent
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list(tmp_path.rglob("done.json"))) == 2


#: Sweeps (each job's overrides) and how many of their jobs Hydra itself must compose: one per
#: shape (the same groups, `+`, lists and hydra overrides; the same value keys).
SWEEPS = [
    ([["seed=1", "steps=2"], ["seed=2", "steps=2"], ["seed=3", "steps=3"]], 1),
    ([["alignment=hedging", "seed=1"], ["alignment=hedging", "seed=2"], ["alignment=economic"]], 2),
    ([["experiment=wedge", "seed=5"], ["experiment=wedge", "seed=6"]], 1),
    ([["model.shock_sd=0", "seed=1"], ["model.shock_sd=0.01", "seed=1"], ["model.shock_sd=1"]], 2),
    ([["powers.USA=[contain,wedge]", "seed=1"], ["powers.USA=[contain]", "seed=1"]], 2),
    ([["council.rule=null", "seed=1"], ["council.rule=two_vetoes", "seed=2"]], 1),
    ([["record.votes=false", "study=a"], ["record.votes=true", "study=b"]], 1),
    ([["+extra=1", "seed=1"], ["+extra=2", "seed=2"], ["events=custom", "seed=3"]], 3),
    ([["scenario=custom", "scenario.path=/a/b"], ["scenario=custom", "scenario.path=/c"]], 1),
]


@pytest.fixture
def hydra_loader():
    from hydra.core.global_hydra import GlobalHydra

    with initialize_config_dir(config_dir=str(CONFIGS), version_base="1.3"):
        master = compose("config", overrides=["hydra.job.chdir=false"], return_hydra_config=True)
        yield master, GlobalHydra.instance().config_loader()


@pytest.mark.parametrize(("jobs", "composed"), SWEEPS, ids=[" ".join(j[0]) for j, _ in SWEEPS])
def test_a_job_set_from_another_jobs_config_is_the_config_hydra_composes(
    hydra_loader, jobs, composed
):
    master, loader = hydra_loader
    counting = CountingCompositions(loader)
    kept = KeptConfigs(counting)
    for overrides in jobs:
        ours = kept.compose(master, list(overrides))
        hydras = loader.load_sweep_config(master, list(overrides))
        assert OmegaConf.to_yaml(ours) == OmegaConf.to_yaml(hydras), overrides
        assert OmegaConf.is_struct(ours) and not OmegaConf.is_readonly(ours.hydra)
    assert counting.calls == composed


def test_a_value_that_does_not_fit_fails_as_hydra_says(hydra_loader):
    from hydra.errors import ConfigCompositionException

    master, loader = hydra_loader
    kept = KeptConfigs(loader)
    kept.compose(master, ["steps=1", "seed=1"])
    assert len(kept.templates) == 1
    with pytest.raises(ConfigCompositionException, match="steps"):
        kept.compose(master, ["steps=abc", "seed=1"])
    with pytest.raises(ConfigCompositionException):
        kept.compose(master, ["stepz=1", "seed=1"])


class CountingCompositions:
    def __init__(self, loader):
        self.loader, self.calls = loader, 0

    def load_sweep_config(self, master_config, sweep_overrides):
        self.calls += 1
        return self.loader.load_sweep_config(master_config, sweep_overrides)

    def __getattr__(self, name):
        return getattr(self.loader, name)


# -- guards: markers that list nothing, half-written files, job identity, folders per job


def test_a_marker_that_lists_nothing_or_too_little_is_corrupt(tmp_path):
    from experiments.store import CORRUPT, job_state, mark_done

    for name in ("steps.parquet", "summary.parquet", "config.yaml", "provenance.json"):
        (tmp_path / name).write_text(name)
    files = ["steps.parquet", "summary.parquet", "config.yaml", "provenance.json"]
    mark_done(tmp_path, files, "abc")
    assert job_state(tmp_path).complete
    done = tmp_path / "done.json"
    marker = json.loads(done.read_text())
    cases = {
        "has no config_sha256": {"files": marker["files"]},
        "lists no files": {"config_sha256": "abc"},
        "does not list steps.parquet": {
            "config_sha256": "abc",
            "files": {k: v for k, v in marker["files"].items() if k != "steps.parquet"},
        },
        "not a file of the job folder": {
            "config_sha256": "abc",
            "files": {**marker["files"], "../elsewhere": marker["files"]["config.yaml"]},
        },
        "is not a JSON object": [],
    }
    for detail, content in cases.items():
        done.write_text(json.dumps(content))
        state = job_state(tmp_path)
        assert state.status == CORRUPT and detail in state.detail, (detail, state.detail)


def test_half_written_files_are_found_and_only_they_are_removed(tmp_path):
    from experiments.store import clear_partial, partial_files, write_text

    write_text(tmp_path / "kept.yaml", "a finished file")
    left = [".summary.parquet.ab12_x9z.tmp", ".votes.parquet.qwertyui.tmp"]
    others = ["notes.tmp", ".hydra", "steps.parquet"]
    for name in left + others[:1] + others[2:]:
        (tmp_path / name).write_text("x")
    (tmp_path / ".hydra").mkdir()
    assert [p.name for p in partial_files(tmp_path)] == sorted(left)
    assert clear_partial(tmp_path) == sorted(left)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["kept.yaml", *others])


def test_a_job_is_known_by_its_overrides_from_any_of_its_records(tmp_path):
    from experiments.store import job_overrides

    hydra = tmp_path / ".hydra"
    hydra.mkdir()
    assert job_overrides(tmp_path) is None
    (tmp_path / "provenance.json").write_text(json.dumps({"hydra": {"overrides": ["seed=3"]}}))
    assert job_overrides(tmp_path) == ["seed=3"]
    (hydra / "hydra.yaml").write_text("hydra:\n  overrides:\n    task: [seed=2]\n")
    assert job_overrides(tmp_path) == ["seed=2"]
    (hydra / "overrides.yaml").write_text("- seed=1\n")
    assert job_overrides(tmp_path) == ["seed=1"]
    (hydra / "overrides.yaml").write_text("!!python/object/apply:os.system [echo no]\n")
    assert job_overrides(tmp_path) == ["seed=2"], "read as data, never run"


def test_the_sweeper_refuses_a_value_out_of_range_and_two_jobs_in_one_folder(hydra_loader):
    from experiments.schema import ConfigError
    from experiments.sweep import JobCheck

    master, loader = hydra_loader
    kept = KeptConfigs(loader)
    checking = JobCheck()
    checking(kept.compose(master, ["seed=1", "study=a"]), 0, ["seed=1", "study=a"])
    with pytest.raises(ConfigError, match=r"^job #1 \(seed=1 powers.wedge_strength=2\): powers"):
        bad = ["seed=1", "powers.wedge_strength=2"]
        checking(kept.compose(master, bad), 1, bad)
    # study is left out of the folder names: these two would share one
    with pytest.raises(ConfigError, match=r"job #0 \(seed=1 study=a\) and job #2 .* same folder"):
        checking(kept.compose(master, ["seed=1", "study=b"]), 2, ["seed=1", "study=b"])


def test_keys_left_out_of_folder_names_are_named_when_they_differ(hydra_loader):
    from experiments.sweep import EXCLUDE_KEYS, JobCheck, name_swept_keys

    master, loader = hydra_loader
    jobs = [[f"experiment={e}", f"seed={s}"] for e in ("wedge", "brics_expansion") for s in (1, 2)]
    assert name_swept_keys(master, [jobs[0], jobs[0]]) == []  # one value: left out
    assert name_swept_keys(master, jobs) == ["experiment"]  # seed: the subdir names it
    assert "experiment" not in OmegaConf.select(master, EXCLUDE_KEYS)
    assert master.hydra.overrides.hydra[-1].startswith(f"{EXCLUDE_KEYS}=['seed','study'")
    checking, kept = JobCheck(), KeptConfigs(loader)
    for number, overrides in enumerate(jobs):
        checking(kept.compose(master, overrides), number, overrides)
    folders = set(checking.folders)
    assert len(folders) == 4 and "experiment=wedge/seed=1" in folders


def test_a_jobs_folder_is_the_one_its_launcher_makes(hydra_loader):
    from omegaconf import open_dict

    from experiments.sweep import job_folder

    master, loader = hydra_loader
    config = KeptConfigs(loader).compose(master, ["seed=3", "scenario.path=/a/b"])
    assert job_folder(config, 0) == OmegaConf.select(config, "hydra.sweep.subdir")
    assert job_folder(config, 0) == "scenario.path=%2Fa%2Fb/seed=3"
    with open_dict(config):
        config.hydra.sweep.subdir = "${hydra.job.num}/x"  # Hydra's own default, and more
    assert job_folder(config, 7) == "7/x"


def test_long_tables_of_jobs_with_one_value_and_drawn_values_concatenate():
    # a parameter that one job holds as one value (dictionary-encoded) and another draws per
    # replicate (`uncertainty=`, a plain column) is one column of its values when collected
    from experiments.collect import concat_long

    one = with_constants(pa.table({"vote": ["yes", "no"]}), {"job": "a", "x": 0.5, "y": None})
    drawn = with_constants(
        pa.table({"x": [0.1, None, 0.3], "y": [1, 2, 3], "vote": ["no", "no", "yes"]}),
        {"job": "b"},
    )
    with pytest.raises(pa.ArrowTypeError, match="Field x has incompatible types"):
        pa.concat_tables([one, drawn], promote_options="permissive")
    table = concat_long([one, drawn])
    assert table.column_names == ["job", "x", "y", "vote"]
    assert pa.types.is_dictionary(table.schema.field("job").type)  # the same in both: kept
    assert table.schema.field("x").type == pa.float64()
    assert table.column("x").to_pylist() == [0.5, 0.5, 0.1, None, 0.3]
    assert table.column("y").to_pylist() == [None, None, 1, 2, 3]
    assert table.column("job").to_pylist() == ["a", "a", "b", "b", "b"]
