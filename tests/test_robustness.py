"""The robustness table: a lever's verdict at the defaults against its verdict under draws."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.robustness import compare, main, markdown


def study(rows):
    columns = ["lever", "outcome", "years", "expected", "effect", "ci_low", "ci_high", "verdict"]
    table = pd.DataFrame(rows, columns=columns)
    table["n"] = 20
    return table


FIXED = study(
    [
        ("wedge", "ru_cn_aligned", "2050", "-", -0.9, -1.0, -0.8, "as expected"),
        ("trade", "ru_cn_aligned", "2050", "+", 0.5, 0.3, 0.7, "as expected"),
        ("ceasefire", "vetoes_RUS", "2026-2035", "-", 0.05, -0.1, 0.2, "null"),
    ]
)
DRAWN = study(
    [
        ("wedge", "ru_cn_aligned", "2050", "-", -0.6, -0.8, -0.4, "as expected"),
        ("trade", "ru_cn_aligned", "2050", "+", 0.1, -0.05, 0.25, "null"),
        ("ceasefire", "vetoes_RUS", "2026-2035", "-", 0.0, -0.2, 0.2, "null"),
    ]
)


def test_a_verdict_that_changes_under_drawn_parameters_is_not_robust():
    table = compare(FIXED, DRAWN).set_index("lever")
    assert table["robust"].to_dict() == {"wedge": True, "trade": False, "ceasefire": True}
    assert table.loc["wedge", "size_ratio"] == pytest.approx(0.6 / 0.9)
    text = markdown(compare(FIXED, DRAWN), "bloc", "cmd")
    assert "1 of the 2 lever outcomes that are as expected" in text
    assert "1 of the 1 others keep their verdict" in text
    assert "| `trade` | `ru_cn_aligned` |" in text and "**no**" in text


def test_studies_with_different_levers_are_refused():
    with pytest.raises(ValueError, match="differ in lever outcomes"):
        compare(FIXED, DRAWN.iloc[:2])


def test_the_command_writes_its_tables_and_names_a_missing_study(tmp_path, capsys):
    for name, table in (("fixed", FIXED), ("drawn", DRAWN)):
        (tmp_path / name).mkdir()
        table.to_csv(tmp_path / name / "mechanisms.csv", index=False)
    assert main([str(tmp_path / "fixed"), str(tmp_path / "drawn")]) == 0
    written = pd.read_csv(tmp_path / "drawn" / "robustness.csv")
    assert list(written["robust"]) == [True, False, True]
    assert main([str(tmp_path / "fixed"), str(tmp_path / "nowhere")]) == 1
    assert "nowhere/mechanisms.csv: no such file" in capsys.readouterr().err
