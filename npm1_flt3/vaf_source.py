"""What an allele fraction is a fraction of: DNA copies, or transcripts (issue 15).

Every ``vaf`` the tables report is alt / depth of the molecules read at the allele. On a DNA
library (assay ``capture``, ``exome`` or ``amplicon``) those are copies of genomic DNA, so the VAF
estimates a share of DNA copies (about half the share of cells, for a heterozygous mutation). On
an RNA library (assay ``rna``: RNA-seq or targeted RNA) they are transcripts, and the VAF is a
share of the gene's transcripts: allele-specific expression, nonsense-mediated decay and the
over-representation of FLT3-ITD transcripts that is often seen move it away from the share of
cells or of DNA copies. The ``vaf`` columns keep their names (downstream users rely on them);
``vaf_source`` (``dna`` or ``rna``) says which of the two they are, in cohort.tsv, variants.tsv
and mrd.tsv.

For the same reason no FLT3-ITD allelic ratio is computed from RNA unless asked
(``rna.allelic_ratio``): the ELN 2017 ratio is one of genomic DNA measured by fragment analysis
(npm1_flt3/eln.py, with its sources).
"""

from __future__ import annotations

DNA, RNA = "dna", "rna"
RNA_ASSAY = "rna"  # the sample sheet's assay value (npm1_flt3/sheet.py ASSAYS)


def vaf_source_of(assay: str) -> str:
    """'rna' for the rna assay, 'dna' for every other (capture, exome, amplicon; the sheet's
    default, capture, when no assay is given)."""
    return RNA if (assay or "").strip().lower() == RNA_ASSAY else DNA


def allelic_ratio_reported(source: str, rna_allelic_ratio: bool = False) -> bool:
    """Whether the FLT3-ITD allelic ratio is computed for a sample of this vaf_source: always for
    DNA; for RNA only when the user asks (config ``rna.allelic_ratio``), and then it is a
    transcript ratio."""
    return source != RNA or rna_allelic_ratio
