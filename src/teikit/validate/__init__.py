"""Validate TEI files against RELAX NG, XML Schema and Schematron: many files, one report.

One module per job:

* :mod:`.report`   — the report, plain frozen data (Problem, FileReport, Report);
* :mod:`.formats`  — the report as text, JSON, JUnit XML or GitHub annotations (a registry);
* :mod:`.schemas`  — the schema kinds (RELAX NG, XML Schema, Schematron with XPath 1 in lxml or XPath 2/3 in
  Saxon, :mod:`teikit.schematron`) and the registry that loads them;
* :mod:`.choose`   — which schemas judge a file (options, ``xml-model`` lines, project configuration…);
* :mod:`.collect`  — which files a run covers;
* :mod:`.xinclude` — ``--xinclude``: local includes expanded safely before validating;
* :mod:`.explain`  — libxml2's RELAX NG errors made readable (content models replayed);
* :mod:`.locate`   — lines and columns of problems, and the file they are in;
* :mod:`.run`      — one file, one tree, many files in parallel (:mod:`teikit.parallel`).

The grammar restriction and its cache are :mod:`teikit.relaxng`.
"""

from __future__ import annotations

from .collect import collect_files
from .explain import explain_relaxng
from .locate import Locator
from .report import ERROR, WARNING, FileReport, Problem, Report
from .run import CheckFiles, default_jobs, element_names, validate_file, validate_paths, validate_tree
from .schemas import (
    SCHEMA_DIR,
    SCHEMA_LOADERS,
    RelaxNGSchema,
    SchemaSet,
    SchematronSchema,
    XMLSchemaSchema,
    default_schema_paths,
    load_schema,
    load_schemas,
    resolve_schema_path,
    schema_kind,
    schema_set,
    schematron_problems,
)

__all__ = [
    "ERROR",
    "SCHEMA_DIR",
    "SCHEMA_LOADERS",
    "WARNING",
    "CheckFiles",
    "FileReport",
    "Locator",
    "Problem",
    "RelaxNGSchema",
    "Report",
    "SchemaSet",
    "SchematronSchema",
    "XMLSchemaSchema",
    "collect_files",
    "default_jobs",
    "default_schema_paths",
    "element_names",
    "explain_relaxng",
    "load_schema",
    "load_schemas",
    "resolve_schema_path",
    "schema_kind",
    "schema_set",
    "schematron_problems",
    "validate_file",
    "validate_paths",
    "validate_tree",
]
