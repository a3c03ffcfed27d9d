"""Stat's tests, as the package `stat_tests` rooted at `stat/tests`.

Why a package one level down: pytest's importlib mode names a test file by its path
from the repository root (`stat.tests.test_x`) and, finding that the standard
library's `stat` module has no `__path__`, re-imports `stat/__init__.py` *as* `stat`,
breaking `os`, `shutil` and everything else that uses it. A package whose root is
`stat/tests` is imported as `stat_tests.*` and never touches the name `stat`.
"""
