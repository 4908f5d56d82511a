"""The one number formatter of the report (``report.formatting``): numbers as journals print them.

The expected strings are written out by hand from the conventions stated in the module (and in
``docs/conventions.md``): p-values ``< 0.001`` or three decimals; counts as integers;
probabilities clipped to [0, 1], noise below 1e-12 printed as 0 and 1, and nothing rounded into a
different claim; regression coefficients with three significant digits (Stata's ``a3``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from spatialpanel.report.formatting import (
    coef_decimals,
    column_formats,
    fmt_count,
    fmt_number,
    fmt_p,
    fmt_probability,
    fmt_stat,
    formatted,
    stars,
)


def test_p_values() -> None:
    assert fmt_p(3.78e-10) == "< 0.001"
    assert fmt_p(0.0) == "< 0.001"
    assert fmt_p(0.000999) == "< 0.001"
    assert fmt_p(0.001) == "0.001"
    assert fmt_p(0.0156) == "0.016"
    assert fmt_p(0.0491) == "0.049"
    assert fmt_p(1.0) == "1.000"
    assert fmt_p(math.nan) == "" and fmt_p(None) == ""
    assert fmt_p("0.2") == "0.200"  # read back from a CSV as text
    assert fmt_p(1.0000000002) == "1.000"  # clipped


def test_counts() -> None:
    assert fmt_count(78.0) == "78"
    assert fmt_count(np.int64(310)) == "310"
    assert fmt_count("310") == "310"
    assert fmt_count(math.nan) == ""
    assert fmt_count(2.5) == "2.5000"  # not a whole number: not hidden


def test_probabilities() -> None:
    assert fmt_probability(-2.220446049250313e-16) == "0.0000"
    assert fmt_probability(7.373281854910302e-18) == "0.0000"
    assert fmt_probability(1.0000000000000002) == "1.0000"
    assert fmt_probability(0.99999999999999) == "1.0000"  # within 1e-12 of 1: noise
    assert fmt_probability(3e-5) == "< 0.0001"  # not zero, and not printed as zero
    assert fmt_probability(0.99997) == "> 0.9999"
    assert fmt_probability(0.06705539) == "0.0671"
    assert fmt_probability(-0.2) == "0.0000" and fmt_probability(1.3) == "1.0000"
    assert fmt_probability(math.nan) == ""


def test_numbers_and_stars() -> None:
    assert fmt_number(0.123456) == "0.1235"
    assert fmt_number(31) == "31"
    assert fmt_number(1.5e-6) == "1.50e-06"
    assert fmt_number(-0.00001) == "-1.00e-05"
    assert fmt_number(-0.00004999) == "-5.00e-05"
    assert fmt_number(-1e-20) == "-1.00e-20"
    assert fmt_number(-0.0) == "0.0000"
    assert fmt_number(math.inf) == "∞"
    assert stars(0.001) == "***" and stars(0.03) == "**" and stars(0.07) == "*"
    assert stars(0.1) == "" and stars(math.nan) == "" and stars("0.004") == "***"


def test_coefficient_decimals_and_fit_statistics() -> None:
    assert coef_decimals([0.2064]) == 3
    assert coef_decimals([0.0102]) == 4
    assert coef_decimals([0.000170]) == 6
    assert coef_decimals([12.5, -1806.9]) == 3
    assert coef_decimals([0.00000012]) == 6  # capped
    assert coef_decimals([0.0048], significant=2) == 4
    assert coef_decimals([math.nan, 0.0]) == 3
    assert fmt_stat(0.994271) == "0.994"
    assert fmt_stat(917.4648) == "917.46"
    assert fmt_stat(-1806.9296) == "-1806.93"
    assert fmt_stat(12.34567) == "12.346"
    assert fmt_stat(0.000169951) == "0.000170"
    assert fmt_stat(3e-10) == "3.00e-10"


def test_column_formats_by_identifier() -> None:
    frame = pd.DataFrame(
        {
            "from": ["C1", "C2"],
            "n": [78.0, 72.0],
            "C1": [0.73, 0.0],
            "C2": [0.27, 1.0],
            "pvalue": [0.01, 0.2],
        }
    )
    p_cols, counts, probs = column_formats(frame, key="cp_markov")
    assert p_cols == ("pvalue",) and counts == ("n",) and probs == ("C1", "C2")
    assert column_formats(frame, key="cp_sigma")[2] == ()  # not a transition table
    text = formatted(frame, p_columns=p_cols, count_columns=counts, probability_columns=probs)
    assert text.iloc[0].tolist() == ["C1", "78", "0.7300", "0.2700", "0.010"]
    effects = pd.DataFrame(
        [[0.5, 0.0]], columns=pd.MultiIndex.from_tuples([("direct", "estimate"), ("direct", "p")])
    )
    assert column_formats(effects)[0] == (("direct", "p"),)


def test_magnitude_decimals_show_four_significant_digits_of_the_largest_value() -> None:
    """The documented rule (docs/tables.md): none from 1000 up, 1 from 100, 2 from 10, 3 from
    1, 4 below 1, 5 below 0.1, at most 6."""
    from spatialpanel.report.formatting import magnitude_decimals

    assert magnitude_decimals([76994.85, 35717.19, 26976.0, 180504.0]) == 0
    assert magnitude_decimals([1884.06, 666.26, 910.3, 4251.0]) == 0
    assert magnitude_decimals([310.5, 2.0]) == 1
    assert magnitude_decimals([91.14, 3.99, 80.8, 97.74]) == 2
    assert magnitude_decimals([3.27, -6.26]) == 3
    assert magnitude_decimals([0.1183, 0.0432, 0.2673]) == 4
    assert magnitude_decimals([0.0432]) == 5
    assert magnitude_decimals([1e-9]) == 6
    assert magnitude_decimals([math.nan, None]) == 3 and magnitude_decimals([0.0]) == 3


def test_grouped_numbers_use_the_languages_separators() -> None:
    from spatialpanel.report.formatting import fmt_grouped

    assert fmt_grouped(43834.0, 0) == "43,834"
    assert fmt_grouped(180504.4, 0, lang="zh") == "180,504"
    assert fmt_grouped(1234.5678, 2, lang="de") == "1.234,57"  # Babel: German separators
    assert fmt_grouped(-0.0001, 2) == "0.00"  # no negative zero
    assert fmt_grouped(math.nan, 0) == ""


def test_descriptive_statistics_are_formatted_by_each_variables_magnitude() -> None:
    """Income in yuan without decimals and with separators, percentages with two, ratios with
    three; counts as integers; the same plan gives the workbook's Excel number formats."""
    from spatialpanel.report.formatting import cell_formats

    frame = pd.DataFrame(
        {
            "n": [310, 310, 310],
            "mean": [43834.0, 57.9391, 3.2719],
            "sd": [12375.0, 8.6821, 1.0314],
            "min": [26976.0, 40.2, 1.6345],
            "max": [180504.0, 79.56, 6.2617],
        },
        index=pd.Index(["income", "urbanisation", "ratio"], name="variable"),
    )
    text = formatted(frame, key="descriptives", count_columns=["n"])
    assert text.loc["income"].tolist() == ["310", "43,834", "12,375", "26,976", "180,504"]
    assert text.loc["urbanisation"].tolist() == ["310", "57.94", "8.68", "40.20", "79.56"]
    assert text.loc["ratio"].tolist() == ["310", "3.272", "1.031", "1.635", "6.262"]
    excel = [[f.excel() for f in row] for row in cell_formats(frame, key="descriptives")]
    assert excel[0] == ["#,##0", "#,##0", "#,##0", "#,##0", "#,##0"]
    assert excel[1][1:] == ["#,##0.00"] * 4 and excel[2][1:] == ["#,##0.000"] * 4
    # any other table keeps four decimals per cell
    assert formatted(frame, key="other").loc["income", "mean"] == "43834.0000"


def test_the_weights_summary_is_formatted_by_each_columns_magnitude() -> None:
    """The spatial weights' summary (the demo's contiguity and distance matrices): percent of
    non-zero weights and mean neighbours with four significant digits of the column's largest
    value (``14.36``, ``30.00``), counts as integers, text as it is."""
    frame = pd.DataFrame(
        {
            "formula": ["w_ij = 1 if i and j share a border", "w_ij = 1/d_ij"],
            "n": [31, 31],
            "nnz": [138, 930],
            "pct_nonzero": [14.360041623309053, 96.7741935483871],
            "neighbours_min": [1, 30],
            "neighbours_mean": [4.451612903225806, 30.0],
        }
    )
    text = formatted(frame, key="weights", count_columns=["n", "nnz", "neighbours_min"])
    assert text["pct_nonzero"].tolist() == ["14.36", "96.77"]
    assert text["neighbours_mean"].tolist() == ["4.45", "30.00"]
    assert text["nnz"].tolist() == ["138", "930"]
    assert text["formula"].iloc[1] == "w_ij = 1/d_ij"


def test_dagum_shares_and_passage_times_by_each_columns_magnitude() -> None:
    """Dagum Ginis keep four significant digits (0.2422), shares in percent two decimals
    (22.79); a matrix of mean first passage times (years) one number of decimals for the whole
    table, blank cells ignored."""
    dagum = pd.DataFrame(
        {"G": [0.2422, 0.1676], "G_w": [0.0552, 0.0377], "share_within": [22.7903, 22.4876]}
    )
    text = formatted(dagum, key="cp_dagum")
    assert text["G"].tolist() == ["0.2422", "0.1676"]
    # a small component keeps the report's four decimals (not 0.05520)
    assert text["G_w"].tolist() == ["0.0552", "0.0377"]
    assert text["share_within"].tolist() == ["22.79", "22.49"]
    mfpt = pd.DataFrame({"C1": [np.nan, 3.7143], "C4": [11.2995, 60.0]})
    text = formatted(mfpt, key="uri_markov_mfpt")
    assert text["C4"].tolist() == ["11.30", "60.00"] and text["C1"].tolist() == ["", "3.71"]
