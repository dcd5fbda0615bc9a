"""The running case: its vocabulary, the engine that changes its state, the hash chain, report figures.

Pure: no database, no terminal, no clock (the time is passed in).
"""
