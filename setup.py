"""The one thing pyproject.toml cannot say in a stable way: the C extension.

monitor.match._chunks is the matcher's per-chunk loop (monitor/match/scan.py has the
same function in Python). It is optional: without a C compiler the install still works
and matches the same, more slowly.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("monitor.match._chunks", ["monitor/match/_chunks.c"], optional=True),
    ]
)
