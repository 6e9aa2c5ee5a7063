"""Which schemas judge a file, chosen as oXygen and jEdit users expect.

In order, the first that applies:

1. the schemas given on the command line (``--schema``, ``--schematron``, ``--tei-all``) or by the caller;
2. the document's own ``<?xml-model href=… schematypens=…?>`` processing instructions (RELAX NG, XML Schema
   and Schematron; a local path, relative to the document, or ``teikit:NAME``). A remote ``href`` is never
   fetched: the run stops with one line saying which schema to pass;
3. a project configuration found beside or above the file: ``teikit.toml`` (its ``[validate]`` table) or a
   ``pyproject.toml`` with a ``[tool.teikit.validate]`` table, whose ``schemas`` (paths relative to the
   configuration file) and ``exclude`` (glob patterns) apply to the files below it;
4. teikit's own schemas, for teikit's own editions only (whose header says teikit made them);
5. otherwise nothing, and the run stops with one line saying no schema was given.

Only the head of a file is read here (its prolog and ``teiHeader``), with the same safe parser options.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import UsageError
from ..xmlio import TEI_NS
from .schemas import SCHEMA_LOADERS, default_schema_paths, schema_kind

CONFIG_FILES = ("teikit.toml", "pyproject.toml")
_PSEUDO_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class SchemaChoice:
    """The schemas for some files: (path or ``teikit:NAME``, kind) pairs, and what chose them."""

    specs: tuple[tuple[str, str], ...]
    chosen_by: str


@dataclass(frozen=True)
class ProjectConfig:
    """A ``[tool.teikit.validate]`` (or teikit.toml ``[validate]``) table: schemas and excluded files."""

    path: Path
    schemas: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def excludes(self, file: Path) -> bool:
        try:
            relative = file.resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return False
        return any(
            fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(file.name, pattern) for pattern in self.exclude
        )


@dataclass
class Chooser:
    """Chooses the schemas of each file; remembers the configuration of every folder it has seen."""

    given: SchemaChoice | None = None
    _configs: dict[Path, ProjectConfig | None] = field(default_factory=dict)
    _folders: dict[Path, Path] = field(default_factory=dict)

    def _folder_of(self, file: Path) -> Path:
        """The real folder of a file; resolved once per folder (resolving every file of a 100,000-file corpus
        took most of a --changed-only rerun), except for a symbolic link, whose target's folder counts."""
        if file.is_symlink():
            return file.resolve().parent
        folder = self._folders.get(file.parent)
        if folder is None:
            folder = self._folders[file.parent] = file.parent.resolve()
        return folder

    def config_for(self, file: Path) -> ProjectConfig | None:
        """The nearest project configuration at or above the file's folder that has a teikit table."""
        folder = self._folder_of(file)
        if folder in self._configs:  # the common case: a folder seen already (no walk up its parents)
            return self._configs[folder]
        seen = []
        config = None
        for candidate in (folder, *folder.parents):
            if candidate in self._configs:
                config = self._configs[candidate]
                break
            seen.append(candidate)
            config = _read_config(candidate)
            if config is not None:
                break
        for candidate in seen:
            self._configs[candidate] = config
        return config

    def excluded(self, file: Path) -> bool:
        config = self.config_for(file)
        return config is not None and config.excludes(file)

    def choose(self, file: Path) -> SchemaChoice:
        """The schemas for ``file`` (none when it is not well-formed enough to tell: its report will say so)."""
        if self.given is not None:
            return self.given
        head = read_head(file)
        if head is None:
            return SchemaChoice((), "nothing: the file is not well-formed")
        models, teikit_made = head
        if models:
            return SchemaChoice(tuple(_model_spec(file, line, attributes) for line, attributes in models), "xml-model")
        config = self.config_for(file)
        if config is not None and config.schemas:
            base = config.path.parent
            specs = tuple(_config_spec(config, base, spec) for spec in config.schemas)
            return SchemaChoice(specs, config.path.name)
        if teikit_made:
            specs = tuple((f"teikit:{path.name}", schema_kind(path).name) for path in default_schema_paths())
            return SchemaChoice(specs, "teikit edition")
        raise UsageError(
            "no schema given for this file",
            file,
            hint="pass --schema FILE (or --tei-all FILE), add an <?xml-model?> line to the file, "
            "or list schemas under [tool.teikit.validate] in pyproject.toml",
        )


def _read_config(folder: Path) -> ProjectConfig | None:
    for name in CONFIG_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read the configuration: {exc}", path) from None
        table = data if name == "teikit.toml" else data.get("tool", {}).get("teikit", {})
        table = table.get("validate")
        if table is None:
            continue
        if not isinstance(table, dict):
            raise UsageError("the validate configuration must be a table", path)
        return ProjectConfig(path, _strings(table, "schemas", path), _strings(table, "exclude", path))
    return None


def _strings(table: dict, key: str, path: Path) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"'{key}' must be a list of strings", path)
    return tuple(value)


def _config_spec(config: ProjectConfig, base: Path, spec: str) -> tuple[str, str]:
    target = spec if spec.startswith("teikit:") else str(base / spec)
    if not spec.startswith("teikit:") and not Path(target).is_file():
        raise UsageError(
            f"the schema '{spec}' named in the configuration does not exist",
            config.path,
            hint="paths are relative to the configuration file",
        )
    return target, schema_kind(target).name


def _model_spec(file: Path, line: int | None, attributes: dict[str, str]) -> tuple[str, str]:
    """(schema, kind) from one ``xml-model`` processing instruction; a remote schema is refused, never fetched."""
    href = attributes.get("href", "")
    where = f"{file}:{line}" if line else str(file)
    if not href:
        raise UsageError("an <?xml-model?> line without href", where, hint="give the schema's path in href")
    if href.startswith("file://"):
        href = href[len("file://") :]
    elif _REMOTE.match(href):
        is_tei_all = href.rsplit("/", 1)[-1] == "tei_all.rng"
        advice = "--tei-all FILE" if is_tei_all else "--schema FILE"
        raise UsageError(
            f"the schema {href} is remote and teikit never fetches schemas",
            where,
            hint=f"download it and pass {advice}",
        )
    if href.startswith("teikit:"):
        target = href
    else:
        target = str((file.parent / href).resolve()) if not Path(href).is_absolute() else href
        if not Path(target).is_file():
            raise UsageError(
                f"the <?xml-model?> schema {href} does not exist",
                where,
                hint="fix the href (relative to the document) or pass --schema FILE",
            )
    kind = schema_kind(target, attributes.get("schematypens"))
    return target, kind.name


def read_head(file: Path) -> tuple[list[tuple[int | None, dict[str, str]]], bool] | None:
    """The ``xml-model`` lines of a file's prolog and whether its teiHeader says teikit made it.

    Reads only up to the end of the header; None when that part is not well-formed.
    """
    models: list[tuple[int | None, dict[str, str]]] = []
    teikit_made = False
    depth = 0
    try:
        with open(file, "rb") as handle:
            events = etree.iterparse(
                handle,
                events=("start", "end", "pi"),
                resolve_entities=False,
                load_dtd=False,
                no_network=True,
                huge_tree=False,
            )
            for event, node in events:
                if event == "pi":
                    if depth == 0 and node.target == "xml-model":
                        attributes = {
                            match.group(1): match.group(2) if match.group(2) is not None else match.group(3)
                            for match in _PSEUDO_ATTRIBUTE.finditer(node.text or "")
                        }
                        models.append((node.sourceline, attributes))
                    continue
                if event == "start":
                    depth += 1
                    if depth == 2 and node.tag != f"{{{TEI_NS}}}teiHeader":
                        break
                    continue
                depth -= 1
                if depth == 1 and node.tag == f"{{{TEI_NS}}}teiHeader":
                    found = node.find(f".//{{{TEI_NS}}}appInfo/{{{TEI_NS}}}application[@ident='teikit']")
                    teikit_made = found is not None
                    break
    except (etree.XMLSyntaxError, OSError):
        return None
    return models, teikit_made


__all__ = ["SCHEMA_LOADERS", "Chooser", "ProjectConfig", "SchemaChoice", "read_head"]
