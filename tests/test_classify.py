"""Which variants count as "NPM1 mutated", FLT3-ITD and FLT3-TKD (npm1_flt3/classify.py, sources
there): every variant is reported, but only these set a status or an ELN component."""

from __future__ import annotations

import pytest

from npm1_flt3.classify import clinical_class

# gene, vartype, consequence, legacy exon, HGVS p., expected class, why
CASES = [
    ("NPM1", "INS", "frameshift", 12, "p.(Trp288CysfsTer12)", "NPM1-mutated", "type A"),
    ("NPM1", "INS", "frameshift", 12, "p.(Trp288CysfsTer12)", "NPM1-mutated", "type B/D: same protein start"),
    ("NPM1", "DELINS", "frameshift", 12, "p.(Trp290CysfsTer10)", "NPM1-mutated", "loses W290 only"),
    ("NPM1", "DEL", "frameshift", 12, "p.(Lys292SerfsTer4)", "NPM1-other", "after W290: NLS kept"),
    ("NPM1", "INS", "inframe_insertion", 12, "p.(Trp288_Cys289insSerSer)", "NPM1-other", "in frame"),
    ("NPM1", "SNV", "missense", 12, "p.(Trp288Cys)", "NPM1-other", "missense in exon 12"),
    ("NPM1", "DEL", "frameshift", 5, "p.(Ser132ValfsTer5)", "NPM1-other", "legacy exon 5"),
    ("NPM1", "INS", "frameshift", 9, "p.(Val234GlyfsTer8)", "NPM1-other", "legacy exon 9"),
    ("NPM1", "DEL", "inframe_deletion", 9, "p.(Glu235del)", "NPM1-other", "legacy exon 9, in frame"),
    ("NPM1", "INS", "frameshift", 11, "p.(Asp270GlufsTer3)", "NPM1-other", "legacy exon 11"),
    ("NPM1", "INS", "splice_region", None, "p.?", "NPM1-other", "splice region"),
    ("FLT3", "ITD", "inframe_duplication", None, "p.(Tyr591_Glu596dup)", "FLT3-ITD", "ITD"),
    ("FLT3", "SNV", "missense", None, "p.(Asp835Tyr)", "FLT3-TKD", "D835Y"),
    ("FLT3", "SNV", "missense", None, "p.(Ile836Met)", "FLT3-TKD", "I836M"),
    ("FLT3", "DEL", "inframe_deletion", None, "p.(Ile836del)", "FLT3-TKD", "I836del"),
    ("FLT3", "DELINS", "inframe_delins", None, "p.(Asp835_Ile836delinsGlu)", "FLT3-TKD", "delins"),
    ("FLT3", "INS", "inframe_insertion", None, "p.(Ile836_Asp837insGlyAla)", "FLT3-TKD", "ins after I836"),
    ("FLT3", "SNV", "synonymous", None, "p.(Asp835=)", "FLT3-other", "synonymous D835"),
    ("FLT3", "SNV", "synonymous", None, "p.(Ile836=)", "FLT3-other", "synonymous I836"),
    ("FLT3", "SNV", "missense", None, "p.(Asn841Ile)", "FLT3-other", "non-canonical, not in the CDx"),
    ("FLT3", "DEL", "frameshift", None, "p.(Asp835MetfsTer4)", "FLT3-other", "frameshift: no kinase"),
    ("FLT3", "INS", "frameshift", None, "p.(Tyr591Ter)", "FLT3-other", "out-of-frame ITD-region insertion"),
]


@pytest.mark.parametrize("gene, vartype, consequence, exon_legacy, hgvs_p, expected, why", CASES,
                         ids=[case[-1] for case in CASES])
def test_clinical_class(gene, vartype, consequence, exon_legacy, hgvs_p, expected, why):
    assert clinical_class(gene, vartype, consequence, exon_legacy, hgvs_p) == expected
