"""Declarative mapping files: agency exports (CSV, Excel, JSON) into case format v1.

An agency's export rarely uses our column names, values or date formats. A mapping file (YAML)
says, for each file kind of the case format, where the rows come from and how to read them::

    # mapping.yaml
    version: 1
    phone_region: CO                  # optional: region for numbers written without +
    files:
      persons:
        source: personas.csv          # relative to the mapping file
        encoding: cp1252              # optional (CSV, JSON-lines); detected when absent
        delimiter: ";"               # optional (CSV); sniffed when absent; "tab" for tab
        columns:                      # source column: target column
          codigo: id
          nombre: name
          fecha_nacimiento: birth_date
          rol: role
        values:                       # per column (source or target name): source: target
          rol: {fugitivo: fugitive, facilitador: facilitator, asociado: associate}
        dates:                        # per column: strptime format, or a list of them
          fecha_nacimiento: "%d/%m/%Y"
        defaults:                     # value of empty or absent cells
          provenance: DIJIN Colombia
      links:
        source: vinculos.xlsx
        sheet: Vinculos               # Excel: sheet name (default: the first sheet)
        columns: {origen: from_id, destino: to_id, tipo: type}
      travel:
        source: viajes.json
        records: data.viajes          # JSON: dotted path to the array of records
        columns: {persona: person_id, salida: depart, origen: origin, destino: destination}

Rules
-----
- **Formats** follow the source's extension (``.csv``/``.tsv``/``.txt``, ``.xlsx``/``.xlsm``,
  ``.json``, ``.jsonl``/``.ndjson``) unless ``format:`` names one.
- **Columns.** Names are compared stripped and lower-case. A target must be a column of the
  kind in ``case_v1.yaml`` (or ``provenance``, which any kind may carry). Source columns not
  named under ``columns`` are kept under their own name (an extra property, or a schema column
  when the name already is one).
- **Values.** A value map replaces cells equal to a key (compared stripped, lower-case); other
  cells pass unchanged and are validated as usual, so an unmapped ``prófugo`` is a reject, not
  a silent ``unknown``. For enumerations the targets must be allowed values.
- **Dates.** Cells in one of the given formats are converted (to a year, month, day or
  date-time according to the format's fields); cells already in ISO 8601 are taken too;
  anything else is a reject.
- **Defaults** fill empty or absent cells before validation.
- **Validation first.** The whole mapping is checked before the first data row is read:
  structure, target kinds and columns, encodings, date formats, enumeration values, that each
  source file exists and that every source column it names is in the file's header (for JSON
  the records are parsed first, since keys are only known then, but none is validated before
  the check). Errors are :class:`~netanalysis.errors.MappingError` with the mapping file's
  line and column.
- **Where sources may lie.** A source is a path relative to the mapping file (or absolute);
  it must lie, after following symbolic links, in the case folder or the mapping file's
  folder, unless the caller allows others explicitly (``allow_outside=True``, CLI
  ``--allow-outside-sources``). Messages name a source's header columns (at most 20, each cut
  to 40 characters), never other content of the file.
- **Limits.** The mapping file is UTF-8, at most :data:`MAX_MAPPING_BYTES` bytes, nested at
  most :data:`MAX_MAPPING_DEPTH` levels, and has no YAML aliases (``*name``, which can expand
  a small file into a huge document). ``encoding`` must be a text encoding of files (not
  ``rot13``, ``base64``, ``idna``...). Excel sources are checked by
  :mod:`netanalysis.ingest.excel` (zip bombs, huge or truncated sheets) and JSON sources read
  by :mod:`netanalysis.ingest.jsonsrc` (NaN, duplicate keys, objects as values).
- **Line numbers** in rejects: CSV: the editor line the record starts on; Excel: the sheet row
  number; JSON-lines: the line of the record; JSON arrays: the record's position in the array
  (1 = first record). The ``file`` of a reject is the source file (``export.xlsx[Sheet]`` for
  Excel), and its ``column`` the source column name.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from netanalysis.errors import InputError, MappingError
from netanalysis.ingest.excel import archive_signature, read_xlsx_header, read_xlsx_table
from netanalysis.ingest.jsonsrc import read_json_table
from netanalysis.ingest.read import (decode_bytes, normalize_header, parse_csv_text, read_bytes,
                                     sniff_delimiter)
from netanalysis.ingest.validate import Problems, TableOptions, convert_column
from netanalysis.model.vocab import FILE_KINDS, file_columns

__all__ = ["Mapping", "FileMapping", "read_mapping", "FORMATS",
           "MAX_MAPPING_BYTES", "MAX_MAPPING_DEPTH"]

#: Source formats by file extension.
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

_TOP_KEYS = ("version", "phone_region", "files")
_FILE_KEYS = ("source", "format", "encoding", "delimiter", "sheet", "records", "columns",
              "values", "dates", "defaults")
_ALWAYS_ALLOWED = ("provenance",)
#: Largest mapping file.
MAX_MAPPING_BYTES = 1 << 20
#: Deepest nesting of a mapping file.
MAX_MAPPING_DEPTH = 16
# Text codecs that cannot hold a file (they transform text, or name no byte encoding).
_NOT_FILE_ENCODINGS = ("idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined")


@dataclass
class FileMapping:
    """How one file kind is read from one source (see the module docstring).

    Built by :func:`read_mapping` from one entry of a mapping file's ``files``, never by hand.

    Parameters
    ----------
    kind : str
        The file kind of case format v1 it fills.
    source : Path
        The source file.
    format : {"csv", "xlsx", "json", "jsonl"}
        How the source is read (one of :data:`FORMATS`).
    mapping_path : Path
        The mapping file (errors name it).
    encoding, delimiter : str, optional
        Of a CSV source; detected when None.
    sheet : str or int, optional
        Of an Excel source.
    records : str, optional
        Where the records are in a JSON source.
    columns : dict
        Source column -> case format column.
    values : dict
        Per column, source value -> case format value.
    dates : dict
        Per column, the date format of the source.
    defaults : dict
        Per column, the value of blank or absent cells.
    phone_region : str, optional
        ISO country of phone numbers written without ``+``.
    header : list
        The source's column names.
    display : str
        The name rejects give the source.

    See Also
    --------
    Mapping : the whole mapping file.
    read_mapping : reads and checks one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "gente.csv").write_text("codigo;nombre\\nX1;Ana\\n")
    >>> _ = (d / "m.yaml").write_text("files:\\n  persons:\\n    source: gente.csv\\n"
    ...     "    columns: {codigo: id, nombre: name}\\n")
    >>> fm = read_mapping(d / "m.yaml").files["persons"]
    >>> fm.kind, fm.format, fm.columns
    ('persons', 'csv', {'codigo': 'id', 'nombre': 'name'})
    """

    kind: str
    source: Path
    format: str
    mapping_path: Path
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    records: str | None = None
    columns: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    phone_region: str | None = None
    header: list = field(default_factory=list)
    display: str = ""
    _cache: object = None

    def read(self, phone_region=None):
        """Read the source; return ``(RawTable, TableOptions)`` with columns renamed."""
        if self.format == "csv":
            if isinstance(self._cache, tuple):
                text, enc = self._cache
            else:
                text, enc = decode_bytes(read_bytes(self.source), self.source, self.encoding)
            self._cache = None
            raw = parse_csv_text(text, self.source, display=self.display, encoding=enc,
                                 delimiter=self.delimiter)
        elif self.format == "xlsx":
            checked, self._cache = self._cache, None
            raw = read_xlsx_table(self.source, self.sheet, self.display, checked=checked)
        else:
            raw = self._cache
            self._cache = None
        data = raw.data.rename(columns=self.columns)
        schema = file_columns(self.kind)
        for target, value in self.defaults.items():
            if target in schema:
                continue
            if target in data:
                col = data[target]
                data[target] = col.where(col.str.strip() != "", value)
            else:
                data[target] = pd.Series(np.full(len(data), value, dtype=object), dtype=object)
        raw.data = data
        display = {t: s for s, t in self.columns.items()}
        opts = TableOptions(
            value_maps=self.values, date_formats=self.dates,
            defaults={k: v for k, v in self.defaults.items() if k in schema},
            display=display, decimal_comma=raw.delimiter not in (None, ","),
            phone_region=self.phone_region or phone_region)
        return raw, opts


@dataclass
class Mapping:
    """A validated mapping file: one :class:`FileMapping` per file kind it names.

    Built by :func:`read_mapping`, never by hand.

    Parameters
    ----------
    path : Path
        The mapping file.
    files : dict of str to FileMapping
        File kind -> how it is read.
    phone_region : str, optional
        ISO country of phone numbers written without ``+``, for every file it maps.

    See Also
    --------
    FileMapping : one file kind.
    read_mapping : reads and checks a mapping file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "gente.csv").write_text("codigo;nombre\\nX1;Ana\\n")
    >>> _ = (d / "m.yaml").write_text("phone_region: CO\\nfiles:\\n  persons:\\n"
    ...     "    source: gente.csv\\n    columns: {codigo: id, nombre: name}\\n")
    >>> m = read_mapping(d / "m.yaml")
    >>> sorted(m.files), m.phone_region
    (['persons'], 'CO')
    """

    path: Path
    files: dict
    phone_region: str | None = None


def read_mapping(path, *, case_folder=None, allow_outside=False):
    """Read and fully validate a mapping file (see the module docstring).

    The source files' headers are read (and JSON sources parsed) to check the columns the
    mapping names; no data row is validated.

    Parameters
    ----------
    path : str or Path
        The mapping file (YAML, UTF-8, at most :data:`MAX_MAPPING_BYTES` bytes, nested at
        most :data:`MAX_MAPPING_DEPTH` levels, without aliases).
    case_folder : str or Path, optional
        The case folder; sources may lie in it or in the mapping file's folder.
    allow_outside : bool
        Allow sources that lie (or whose symbolic links lead) outside those folders.

    Returns
    -------
    Mapping

    Raises
    ------
    MappingError
        With the mapping file's line and column.

    See Also
    --------
    netanalysis.ingest.load_case : reads a case through a mapping.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "gente.csv").write_text("codigo;nombre\\nX1;Ana\\n")
    >>> _ = (d / "m.yaml").write_text("files:\\n  persons:\\n    source: gente.csv\\n"
    ...     "    columns: {codigo: id, nombre: nmae}\\n")
    >>> from netanalysis.errors import MappingError
    >>> try:
    ...     read_mapping(d / "m.yaml")
    ... except MappingError as e:
    ...     print(e.line, e.column, e.message.split(";")[0])
    4 35 'nmae' is not a column of persons (did you mean 'name'?)
    """
    p = Path(path)
    if not p.is_file():
        raise MappingError("mapping file not found" if not p.exists() else "not a file", file=p)
    data = read_bytes(p)
    if len(data) > MAX_MAPPING_BYTES:
        raise MappingError(f"the mapping file has {len(data):,} bytes (at most "
                           f"{MAX_MAPPING_BYTES:,}); is it the right file?", file=p)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MappingError("the mapping file is not UTF-8: save it as UTF-8", file=p) from None
    try:
        _check_yaml_events(text, p)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise MappingError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=p,
                           line=mark.line + 1 if mark else None,
                           column=mark.column + 1 if mark else None) from None
    ctx = _Ctx(p)
    roots = [p.parent] + ([Path(case_folder)] if case_folder is not None else [])
    ctx.roots = None if allow_outside else [r.resolve() for r in roots]
    if root is None:
        raise MappingError("the mapping file is empty: it needs a `files:` section", file=p)
    top = ctx.mapping(root, "the mapping file")
    for k, v in top.items():
        if k not in _TOP_KEYS:
            ctx.fail(v[0], f"unknown key {k!r}{_suggest(k, _TOP_KEYS)}; expected one of "
                     f"{', '.join(_TOP_KEYS)}")
    if "version" in top and ctx.scalar(top["version"][1], "version") not in ("1",):
        ctx.fail(top["version"][1], "unsupported mapping version: only version 1 exists")
    region = None
    if "phone_region" in top:
        node = top["phone_region"][1]
        region = ctx.scalar(node, "phone_region").upper()
        _check_region(ctx, node, region)
    if "files" not in top:
        ctx.fail(root, "the mapping needs a `files:` section naming at least one file kind")
    files_node = top["files"][1]
    files = ctx.mapping(files_node, "files")
    if not files:
        ctx.fail(files_node, "`files:` names no file kind")
    out = {}
    for kind, (knode, vnode) in files.items():
        if kind not in FILE_KINDS:
            ctx.fail(knode, f"unknown file kind {kind!r}{_suggest(kind, FILE_KINDS)}; expected one "
                     f"of {', '.join(FILE_KINDS)}")
        out[kind] = _file_mapping(ctx, kind, knode, vnode, region)
    return Mapping(path=p, files=out, phone_region=region)


# ---------------------------------------------------------------- validation of one kind

class _Ctx:
    def __init__(self, path):
        self.path = path
        self.roots = None

    def fail(self, node, message):
        m = node.start_mark
        raise MappingError(message, file=self.path, line=m.line + 1, column=m.column + 1)

    def mapping(self, node, what):
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{what} must be a mapping (key: value lines)")
        out = {}
        for k, v in node.value:
            key = self.scalar(k, f"a key of {what}")
            if key in out:
                self.fail(k, f"{key!r} appears twice in {what}")
            out[key] = (k, v)
        return out

    def scalar(self, node, what):
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{what} must be a single value")
        return str(node.value)


def _file_mapping(ctx, kind, knode, vnode, region):
    spec = ctx.mapping(vnode, kind)
    for k, (n, _) in spec.items():
        if k not in _FILE_KEYS:
            ctx.fail(n, f"unknown key {k!r} for {kind}{_suggest(k, _FILE_KEYS)}; expected one of "
                     f"{', '.join(_FILE_KEYS)}")
    if "source" not in spec:
        ctx.fail(knode, f"{kind} needs `source:` (the file its rows come from)")
    snode = spec["source"][1]
    src_text = ctx.scalar(snode, "source")
    source = Path(src_text)
    if not source.is_absolute():
        source = ctx.path.parent / source
    fmt = FORMATS.get(source.suffix.lower())
    if "format" in spec:
        fnode = spec["format"][1]
        fmt = ctx.scalar(fnode, "format").lower()
        if fmt not in set(FORMATS.values()):
            ctx.fail(fnode, f"unknown format {fmt!r}; expected csv, xlsx, json or jsonl")
    if fmt is None:
        ctx.fail(snode, f"cannot tell the format of {src_text!r} from its extension; add "
                 "`format: csv` (or xlsx, json, jsonl)")
    if not source.is_file():
        ctx.fail(snode, f"source file not found: {source}")
    if ctx.roots is not None:
        real = source.resolve()
        if not any(real.is_relative_to(r) for r in ctx.roots):
            link = " (through a symbolic link)" if real != source.absolute() else ""
            ctx.fail(snode, f"source {src_text!r} lies outside the case folder and the mapping's "
                     f"folder{link}; move it there, or allow it explicitly (allow_outside=True, "
                     "--allow-outside-sources)")
    fm = FileMapping(kind=kind, source=source, format=fmt, mapping_path=ctx.path,
                     phone_region=region, display=src_text)

    def only(key, formats):
        if key in spec and fmt not in formats:
            ctx.fail(spec[key][0], f"`{key}` applies to {' and '.join(formats)} sources, not {fmt}")

    only("encoding", ("csv", "jsonl", "json"))
    only("delimiter", ("csv",))
    only("sheet", ("xlsx",))
    only("records", ("json",))
    if "encoding" in spec:
        enode = spec["encoding"][1]
        enc = ctx.scalar(enode, "encoding")
        try:
            info = codecs.lookup(enc)
        except LookupError:
            ctx.fail(enode, f"unknown encoding {enc!r} (e.g. utf-8, cp1252, latin-1)")
        if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
            ctx.fail(enode, f"{enc!r} is not a text encoding of files (e.g. utf-8, cp1252, "
                     "latin-1)")
        fm.encoding = enc
    if "delimiter" in spec:
        dnode = spec["delimiter"][1]
        d = ctx.scalar(dnode, "delimiter")
        d = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(d.lower(), d)
        if len(d) != 1 or d in ('"', "\n", "\r", "|"):
            ctx.fail(dnode, f"delimiter must be one character such as , ; or tab, not {d!r}")
        fm.delimiter = d
    if "sheet" in spec:
        sh = ctx.scalar(spec["sheet"][1], "sheet")
        fm.sheet = sh
    if "records" in spec:
        fm.records = ctx.scalar(spec["records"][1], "records")

    schema = file_columns(kind)
    allowed = list(schema) + [c for c in _ALWAYS_ALLOWED if c not in schema]
    columns = {}
    col_nodes = {}
    if "columns" in spec:
        seen_targets = {}
        for s, (sk, sv) in ctx.mapping(spec["columns"][1], f"{kind} columns").items():
            target = ctx.scalar(sv, f"the target of {s!r}").strip().lower()
            if target not in allowed:
                ctx.fail(sv, f"{target!r} is not a column of {kind}{_suggest(target, allowed)}; "
                         f"columns: {', '.join(allowed)}")
            if target in seen_targets:
                ctx.fail(sv, f"two source columns map to {target!r}: {seen_targets[target]!r} "
                         f"and {s!r}")
            src = s.strip().lower()
            seen_targets[target] = s
            columns[src] = target
            col_nodes[src] = sk
    fm.columns = columns

    # Read the header (not the rows) to check the source columns.
    fm.header, where = _source_header(ctx, fm, snode)
    if fm.format == "xlsx":
        fm.display = f"{src_text}[{where}]"
    for src, node in col_nodes.items():
        if src not in fm.header:
            ctx.fail(node, f"column {src!r} is not in {fm.display} (found: "
                     f"{_names(fm.header)})")
    targets = {}
    for h in fm.header:
        t = columns.get(h, h)
        if t in targets:
            ctx.fail(col_nodes.get(h) or knode,
                     f"two columns of {fm.display} become {t!r}: {targets[t]!r} and {h!r}; rename "
                     "one of them under `columns`")
        targets[t] = h

    def resolve(name_node, section):
        name = ctx.scalar(name_node, f"a column of {section}").strip().lower()
        if name in columns:
            return columns[name]
        if name in schema or name in _ALWAYS_ALLOWED:
            return name
        ctx.fail(name_node, f"{name!r} in {section} is neither a source column named under "
                 f"`columns` nor a column of {kind}{_suggest(name, list(columns) + allowed)}")

    if "values" in spec:
        for _, (ck, cv) in ctx.mapping(spec["values"][1], f"{kind} values").items():
            target = resolve(ck, "values")
            decl = schema.get(target, {"type": "str"})
            vm = {}
            for sv, (_vk, vv) in ctx.mapping(cv, f"the value map of {target!r}").items():
                to = ctx.scalar(vv, f"the value of {sv!r}").strip()
                if decl["type"] in ("enum", "enum_list") and to.lower() not in decl["values"]:
                    ctx.fail(vv, f"{to!r} is not a value of {kind}.{target}"
                             f"{_suggest(to.lower(), decl['values'])}; expected one of "
                             f"{', '.join(decl['values'])}")
                vm[sv.strip().lower()] = to
            fm.values[target] = vm
    if "dates" in spec:
        for _, (ck, cv) in ctx.mapping(spec["dates"][1], f"{kind} dates").items():
            target = resolve(ck, "dates")
            if schema.get(target, {}).get("type") != "date":
                ctx.fail(ck, f"{target!r} is not a date column of {kind}")
            nodes = cv.value if isinstance(cv, yaml.SequenceNode) else [cv]
            fmts = []
            for fnode in nodes:
                f = ctx.scalar(fnode, "a date format")
                _check_date_format(ctx, fnode, f)
                fmts.append(f)
            fm.dates[target] = tuple(fmts)
    if "defaults" in spec:
        for _, (ck, cv) in ctx.mapping(spec["defaults"][1], f"{kind} defaults").items():
            target = ctx.scalar(ck, "a column of defaults").strip().lower()
            if target not in allowed:
                ctx.fail(ck, f"{target!r} is not a column of {kind}{_suggest(target, allowed)}; "
                         f"columns: {', '.join(allowed)}")
            value = ctx.scalar(cv, f"the default of {target!r}")
            if target in schema:
                _check_default(ctx, cv, kind, target, value, fm)
            fm.defaults[target] = value
    covered = set(targets) | set(fm.defaults)
    for col, decl in schema.items():
        if decl.get("required") and col not in covered:
            ctx.fail(knode, f"{kind} needs column {col!r}: name the source column that holds it "
                     f"under `columns` (e.g. `{next(iter(fm.header), 'source_column')}: {col}`); "
                     f"{fm.display} has: {_names(fm.header)}")
    return fm


def _check_default(ctx, node, kind, target, value, fm):
    probs = Problems(1, np.asarray([0]), "mapping")
    opts = TableOptions(date_formats=fm.dates, value_maps=fm.values)
    convert_column(kind, target, pd.Series([value.strip()], dtype=object), probs, opts)
    frame = probs.frame()
    if frame is not None:
        ctx.fail(node, f"bad default for {target!r}: {frame['problem'].iloc[0]}")


def _check_date_format(ctx, node, fmt):
    if "%" not in fmt:
        ctx.fail(node, f"date format {fmt!r} has no field such as %d, %m or %Y")
    sample = datetime(2001, 11, 23, 14, 35, 17)
    try:
        text = sample.strftime(fmt)
        datetime.strptime(text, fmt)
    except ValueError as exc:
        ctx.fail(node, f"bad date format {fmt!r}: {exc}")
    if "%Y" not in fmt and "%y" not in fmt:
        ctx.fail(node, f"date format {fmt!r} has no year (%Y or %y)")


def _check_region(ctx, node, region):
    import phonenumbers

    if region not in phonenumbers.SUPPORTED_REGIONS:
        ctx.fail(node, f"phone_region {region!r} is not a region phone numbers know "
                 "(an ISO 3166-1 alpha-2 code such as CO)")


def _check_yaml_events(text, path):
    """Refuse aliases and deep nesting before the document is composed (which recurses)."""
    depth = 0
    for ev in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(ev, yaml.AliasEvent):
            m = ev.start_mark
            raise MappingError("YAML aliases (*name) are not allowed in a mapping: write the "
                               "value out", file=path, line=m.line + 1, column=m.column + 1)
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_MAPPING_DEPTH:
                m = ev.start_mark
                raise MappingError(f"the mapping is nested more than {MAX_MAPPING_DEPTH} levels "
                                   "deep", file=path, line=m.line + 1, column=m.column + 1)
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _names(header, most=20, width=40):
    """Header names for a message: at most `most`, each cut to `width` characters."""
    if not header:
        return "no columns"
    shown = [h if len(h) <= width else h[:width] + "..." for h in header[:most]]
    more = f" and {len(header) - most} more" if len(header) > most else ""
    return ", ".join(shown) + more


def _suggest(word, choices):
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---------------------------------------------------------------- sources

def _source_header(ctx, fm, snode):
    """Return ``(header names, sheet name or None)`` of a source, reading no data row."""
    try:
        if fm.format == "csv":
            text, enc = decode_bytes(read_bytes(fm.source), fm.source, fm.encoding)
            fm._cache = (text, enc)
            delim = fm.delimiter
            first = None
            import csv
            import io

            reader = csv.reader(io.StringIO(text, newline=""),
                                delimiter=delim or sniff_delimiter(
                                    next((ln for ln in io.StringIO(text, newline="")
                                          if ln.strip()), "").rstrip("\r\n")))
            for row in reader:
                if any(f.strip() for f in row):
                    first = row
                    break
            return normalize_header(first or [], fm.source), None
        if fm.format == "xlsx":
            sig = archive_signature(fm.source)
            out = read_xlsx_header(fm.source, fm.sheet, checked=None)
            fm._cache = sig  # checked: the read need not check the archive again
            return out
        raw = read_json_table(fm.source, fm.format, fm.display, fm.records, fm.encoding,
                              scalar_columns=_scalar_columns(fm))
        fm._cache = raw
        return list(raw.header), None
    except InputError as exc:
        ctx.fail(snode, f"cannot read {fm.display}: {exc}")


_LIST_TYPES = ("list", "countries", "enum_list")


def _scalar_columns(fm):
    """Source keys of `fm` whose target column holds one value (not a list)."""
    schema = file_columns(fm.kind)
    out = {s for s, t in fm.columns.items() if schema.get(t, {}).get("type") not in
           (None, *_LIST_TYPES)}
    mapped = set(fm.columns)
    out.update(c for c, d in schema.items() if d["type"] not in _LIST_TYPES and c not in mapped)
    return out
