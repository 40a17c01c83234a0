"""The Council calibration figure: model beside the shipped record of 2011-2024."""

from __future__ import annotations

from experiments.council_calibration import STATISTICS, council_record, main


def test_record_is_shipped_and_complete():
    record = council_record()
    assert list(record["year"]) == list(range(2011, 2025))
    assert set(STATISTICS) <= set(record.columns)
    assert (record[["vetoes_GBR", "vetoes_FRA"]] == 0).all().all()  # last used in 1989
    # a vetoed draft has at least one veto behind it
    vetoes = record[[c for c in record.columns if c.startswith("vetoes_")]].sum(axis=1)
    assert (vetoes >= record["drafts_vetoed"]).all()


def test_figure_and_table(tmp_path):
    table = main(["--replicates", "2", "--years", "2", "--out", str(tmp_path)])
    assert (tmp_path / "council_calibration.png").stat().st_size > 20_000
    counts = table.groupby("source").size()
    assert counts["model"] == 2 * 2 * len(STATISTICS)
    assert counts["record 2011-2024"] == 14 * len(STATISTICS)
    assert (table["value"] >= 0).all()
