"""UMI layouts, UMIs in read names and UMI-tools' directional merging (npm1_flt3/umi.py)."""

from collections import Counter

import pytest

from npm1_flt3.umi import UmiError, UmiLayout, canonical_pair, directional_clusters, parse_layout, umi_of


@pytest.mark.parametrize("cell, layout", [
    ("", None),
    ("name", UmiLayout("name")),
    ("read1:8", UmiLayout("read1", 8, 0)),
    ("read2:6+1", UmiLayout("read2", 6, 1)),
    ("per_read:8+2", UmiLayout("per_read", 8, 2)),
    ("8M2S+T 8M2S+T", UmiLayout("per_read", 8, 2)),
    ("8M+T +T", UmiLayout("read1", 8, 0)),
    ("+T 6M+T", UmiLayout("read2", 6, 0)),
])
def test_a_umi_cell_is_read_as_fastp_or_fgbio_describe_the_layout(cell, layout):
    assert parse_layout(cell) == layout


@pytest.mark.parametrize("cell", ["yes", "read3:8", "read1:0", "8M+T 6M+T", "+T +T", "8M+T +T +T"])
def test_a_layout_fastp_cannot_cut_is_refused_with_the_forms_that_work(cell):
    with pytest.raises(UmiError, match="name"):
        parse_layout(cell)


def test_fastp_is_told_where_to_cut_the_umi_and_nothing_when_it_is_in_the_name():
    assert parse_layout("per_read:8+2").fastp_arguments() == "--umi --umi_loc per_read --umi_len 8 --umi_skip 2"
    assert parse_layout("name").fastp_arguments() == ""


@pytest.mark.parametrize("name, umi", [
    ("M1:1:FC:1:1:1:1:AAAACCCC", "AAAACCCC"),
    ("M1:1:FC:1:1:1:1:AAAACCCC_TTTTGGGG 1:N:0:1", "AAAACCCC-TTTTGGGG"),  # fastp per_read
    ("M1:1:FC:1:1:1:1:AAAACCCC+TTTTGGGG", "AAAACCCC-TTTTGGGG"),  # bcl2fastq
    ("frag7:ACGTNACG-TTGCAAGG", "ACGTNACG-TTGCAAGG"),  # fgbio
])
def test_the_umi_is_the_last_colon_field_of_the_read_name(name, umi):
    assert umi_of(name) == umi


@pytest.mark.parametrize("name", ["M1:1:FC:1:1:1:1234", "frag7", "frag7:ACGX"])
def test_a_read_name_without_a_umi_stops_with_what_to_do(name):
    with pytest.raises(UmiError, match="umi column"):
        umi_of(name)


def test_the_two_strands_of_a_duplex_molecule_share_one_key():
    assert canonical_pair("AAAA-CCCC") == ("AAAA-CCCC", True)
    assert canonical_pair("CCCC-AAAA") == ("AAAA-CCCC", False)
    assert canonical_pair("GGGG") == ("GGGG", True)


def test_a_rare_umi_one_base_from_a_frequent_one_is_its_error():
    molecule_of = directional_clusters(Counter({"AAAAAAAA": 10, "AAAAAAAT": 2, "AAAAAATT": 1}))
    # 10 >= 2*2-1 joins AAAAAAAT; from it, 2 >= 2*1-1 joins AAAAAATT (UMI-tools walks the graph).
    assert molecule_of == {"AAAAAAAA": "AAAAAAAA", "AAAAAAAT": "AAAAAAAA", "AAAAAATT": "AAAAAAAA"}


def test_two_frequent_umis_one_base_apart_are_two_molecules():
    molecule_of = directional_clusters(Counter({"TTTTTTTT": 5, "TTTTTTTA": 4}))
    assert molecule_of == {"TTTTTTTT": "TTTTTTTT", "TTTTTTTA": "TTTTTTTA"}  # 5 < 2*4-1


def test_dual_umis_merge_across_either_half_but_never_across_the_separator():
    molecule_of = directional_clusters(Counter({"AAAA-CCCC": 6, "AAAA-CCCG": 1, "TAAA-CCCC": 1}))
    assert set(molecule_of.values()) == {"AAAA-CCCC"}
