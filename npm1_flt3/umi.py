"""Unique molecular identifiers (UMIs): where a sample's UMIs are, how they reach the read name,
and how UMIs that differ by a sequencing error are merged into one molecule.

Where the UMI is (sample sheet column ``umi``)
-----------------------------------------------
* empty: no UMIs. Reads are counted as fragments (after duplicate marking, except amplicons).
* ``name``: the UMI is already in the read name, as the last ``:``-separated field of its first
  word. This is where bcl2fastq/BCL Convert and fastp put it. Dual UMIs are joined by ``-``, ``+``
  or ``_`` (fgbio, bcl2fastq and fastp write them so).
* fastp's words, ``<where>:<length>[+<skip>]``, with ``where`` one of ``read1``, ``read2`` or
  ``per_read`` (fastp --umi_loc, --umi_len, --umi_skip): the UMI is the first ``length`` bases of
  read 1, of read 2 or of both, followed by ``skip`` spacer bases. fastp cuts it off and moves it
  to the read name.
* fgbio read structures, one per read and separated by a space (fgbio's --read-structures):
  ``8M2S+T`` is 8 UMI bases (M), 2 skipped (S), then the template (+T). ``8M+T +T`` has a UMI in
  read 1 only, and ``8M2S+T 8M2S+T`` has one in each read. These are turned into the fastp
  form, so only layouts fastp can cut are accepted (the same UMI length in both reads).

Molecules
---------
Reads that share a fragment position are split into molecules by UMI with the "directional"
method of UMI-tools (Smith, Heger & Sudbery 2017, Genome Research 27:491, Methods). A UMI ``b``
is taken for a sequencing or PCR error of ``a`` when they differ at one base and
``count(a) >= 2 * count(b) - 1``. Each molecule is the UMIs reachable from the most frequent one.
We use the same rule as UMI-tools, written here, so that no dependency is needed for forty lines.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

LOCATIONS = ("read1", "read2", "per_read")
DUAL_SEPARATORS = re.compile(r"[-+_]")
FASTP_FORM = re.compile(r"^(read1|read2|per_read):([1-9][0-9]*)(?:\+([0-9]+))?$")
FGBIO_FORM = re.compile(r"^(?:([1-9][0-9]*)M)?(?:([0-9]+)S)?\+T$")
UMI_BASES = re.compile(r"^[ACGTN]+$")


class UmiError(ValueError):
    """A UMI layout or read name that cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class UmiLayout:
    """Where a sample's UMIs are. ``location`` is ``name`` when they are already in the read names."""

    location: str  # name, read1, read2 or per_read
    length: int = 0
    skip: int = 0

    def fastp_arguments(self) -> str:
        """What fastp needs to cut the UMI off the reads and move it to the read name."""
        if self.location == "name":
            return ""
        return f"--umi --umi_loc {self.location} --umi_len {self.length} --umi_skip {self.skip}"

    def needs_second_read(self) -> bool:
        return self.location in ("read2", "per_read")


LAYOUT_HELP = ("write 'name' (UMI already in the read names), fastp's form 'read1:8', 'read2:8+2' or "
               "'per_read:8' (where:length[+skip]), or fgbio read structures such as '8M2S+T 8M2S+T'")


def parse_layout(text: str) -> UmiLayout | None:
    """The layout of a ``umi`` cell; None for an empty cell (no UMIs)."""
    text = text.strip()
    if not text:
        return None
    if text == "name":
        return UmiLayout("name")
    fastp = FASTP_FORM.match(text)
    if fastp:
        return UmiLayout(fastp.group(1), int(fastp.group(2)), int(fastp.group(3) or 0))
    return _from_read_structures(text)


def _from_read_structures(text: str) -> UmiLayout:
    structures = text.split()
    parsed = [FGBIO_FORM.match(s) for s in structures]
    if not 1 <= len(structures) <= 2 or not all(parsed):
        raise UmiError(f"umi layout {text!r} is not understood; {LAYOUT_HELP}")
    umis = [(int(m.group(1) or 0), int(m.group(2) or 0)) for m in parsed]
    with_umi = [i for i, (length, _) in enumerate(umis) if length]
    if not with_umi:
        raise UmiError(f"umi layout {text!r} has no UMI bases (M); {LAYOUT_HELP}")
    if len(with_umi) == 2:
        if umis[0] != umis[1]:
            raise UmiError(f"umi layout {text!r}: fastp cuts UMIs of the same length and spacer from both "
                           "reads only; trim the reads yourself and put the UMIs in the read names ('name')")
        return UmiLayout("per_read", *umis[0])
    if any(skip for length, skip in umis if not length):
        raise UmiError(f"umi layout {text!r}: a read without a UMI cannot skip bases here")
    return UmiLayout(("read1", "read2")[with_umi[0]], *umis[with_umi[0]])


def umi_of(read_name: str) -> str:
    """The UMI in a read name (last ':' field), dual UMIs joined by '-'; raises UmiError if absent."""
    field = read_name.split(" ", 1)[0].rsplit(":", 1)
    parts = DUAL_SEPARATORS.split(field[-1]) if len(field) == 2 else []
    if not parts or not all(UMI_BASES.match(part) for part in parts):
        raise UmiError(f"read {read_name!r} has no UMI as the last ':' field of its name; give the sample's "
                       f"UMI layout in the sheet's umi column ({LAYOUT_HELP})")
    return "-".join(parts)


def canonical_pair(umi: str) -> tuple[str, bool]:
    """A dual UMI 'a-b' and its partner strand's 'b-a' as one key; True when ``umi`` is the key
    itself (read as the top strand). A single UMI is its own key."""
    parts = umi.split("-")
    if len(parts) != 2:
        return umi, True
    swapped = f"{parts[1]}-{parts[0]}"
    return (umi, True) if umi <= swapped else (swapped, False)


# --- directional clustering (UMI-tools) -----------------------------------------------------------

def _one_apart(umi: str, present: Counter) -> list[str]:
    """The UMIs of ``present`` that differ from ``umi`` at exactly one base (variants looked up, not
    pairs compared: an amplicon puts every molecule at one position)."""
    found = []
    for i, base in enumerate(umi):
        if base == "-":
            continue
        for other in "ACGTN":
            if other != base and (variant := umi[:i] + other + umi[i + 1:]) in present:
                found.append(variant)
    return found


def directional_clusters(counts: Counter) -> dict[str, str]:
    """Each UMI -> the UMI of its molecule (the most frequent UMI of its cluster)."""
    by_count = sorted(counts, key=lambda umi: (-counts[umi], umi))
    molecule_of: dict[str, str] = {}
    for seed in by_count:
        if seed in molecule_of:
            continue
        molecule_of[seed] = seed
        frontier = [seed]
        while frontier:
            parent = frontier.pop()
            for child in _one_apart(parent, counts):
                if child not in molecule_of and counts[parent] >= 2 * counts[child] - 1:
                    molecule_of[child] = seed
                    frontier.append(child)
    return molecule_of
