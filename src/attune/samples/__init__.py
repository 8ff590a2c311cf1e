"""Sample media the demo and the benchmarks make (tests use them too); nothing here is used by
Attune itself at run time."""
