"""npm1-flt3: NPM1 and FLT3 mutation calling for AML sequencing data."""

__version__ = "0.4.0"
