"""Runs one conformance scenario in the current directory.

usage: python3 -B -E -s run.py SCENARIO.py

The scenario prints one normalised line per step (see probelib.py). The same scenario is run
once in a local directory and once on a mount; the two outputs must be identical.
"""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.umask(0o022)
runpy.run_path(sys.argv[1], run_name="__main__")
