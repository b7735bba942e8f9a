"""Loading a case folder: read, validate, cross-check references, count, keep every reject.

:func:`load_case` reads the files of case format v1 in the order declared in the schema
(``load_order``: a file's references are read before it) and returns a
:class:`netanalysis.model.Case`. Nothing is dropped silently: every input row is either
*taken* (a row of ``case.tables[kind]``) or *rejected* (one or more rows of
``case.rejects``, each naming file, line, column, value and problem), and
``read == taken + rejected`` is checked for every file.

Row rules beyond the per-column ones of :mod:`netanalysis.ingest.validate`:

- **Duplicate ids.** In a file with a unique key (persons, organizations, documents) the first
  row with an id owns it; every later row with the same id is rejected (``duplicate id``),
  even when the first row was itself rejected for another reason. Persons and organizations
  share one id namespace (a link may name either): an organization whose id is also a
  person id is rejected. Which kinds share a namespace is read from the schema (the kinds
  one reference column may name together).
- **References.** A reference (``from_id``, ``person_id``, ``holder_id``...) must name a row
  that was taken. A reference to a row that was rejected is rejected too, saying so
  ("refers to person P7, which was rejected (persons.csv line 8)"); a reference to an id that
  no row has is rejected as unknown. An *optional* reference to a kind whose file is absent
  (``travel.document_id`` without a ``documents.csv``) is kept unchecked: the documents are
  simply not described.
- **Self-links.** A row whose two references of the same kind name the same party
  (``from_id == to_id``) is rejected.
- **Calls** may name numbers that no row of ``phones.csv`` has: such a number is still a
  party to the network.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest.read import RawTable, printable, read_csv_table, read_header
from netanalysis.ingest.validate import Problems, TableOptions, convert_column, normalize_id
from netanalysis.model.case import Case, REJECT_COLUMNS, empty_rejects
from netanalysis.model.vocab import LOAD_ORDER, case_schema, file_columns

__all__ = ["load_case", "load_mapped", "validate_table", "IngestCountError", "COUNT_KEYS",
           "id_namespace", "whole_table_message"]

#: Keys of ``case.counts[kind]``.
COUNT_KEYS = ("file", "read", "taken", "rejected", "encoding", "delimiter")

BAD_REF = "bad reference"
DUPLICATE = "duplicate id"
SELF_LINK = "self-link"


class IngestCountError(RuntimeError):
    """Internal error: the rows of a file do not reconcile (read != taken + rejected).

    This is a bug in netanalysis, not a problem of the input; please report it.
    """


def load_case(path, *, mapping=None, progress=None, phone_region=None, allow_outside=False):
    """Read and validate a case folder (case format v1), optionally through a mapping.

    Parameters
    ----------
    path : str or Path
        The case folder. Only ``persons.csv`` is required; file names are matched without
        regard to case.
    mapping : str or Path, optional
        A mapping file (see :mod:`netanalysis.ingest.mapping`) for sources in other forms;
        a relative path is looked up in the current folder, then in `path`. Kinds the
        mapping does not name are read from their standard files in `path` when present.
    progress : netanalysis.progress.Progress, optional
        Reports each file as it is read; None prints nothing.
    phone_region : str, optional
        ISO country code for phone numbers written without ``+`` (a mapping's
        ``phone_region`` takes precedence for the files it maps). Default: the setting
        ``ingest.phone_region`` (environment ``NETANALYSIS_INGEST__PHONE_REGION``), else none.
    allow_outside : bool
        Read case files that are symbolic links to files outside `path`, and mapping sources
        outside `path` and the mapping's folder. Refused by default (``InputError``,
        ``MappingError``), so that a case or mapping cannot make a run read other files.

    Returns
    -------
    Case
        Tables of the rows taken, ``rejects`` and ``counts`` (keys :data:`COUNT_KEYS` per
        kind; a kind without a file has ``file=None`` and zero counts).

    Raises
    ------
    InputError
        The folder does not exist or is not a folder, ``persons.csv`` is missing, a file is
        unreadable or not a CSV.
    SchemaError
        A file lacks a required column or has no header.
    MappingError
        The mapping is invalid (raised before the first data row is read).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "persons.csv").write_text("ID,Name,Role\\nP1,Ana,fugitive\\nP2,Luis,boss\\n")
    >>> case = load_case(d)
    >>> case.tables["persons"]["id"].tolist()
    ['P1']
    >>> case.rejects[["line", "column", "problem"]].values.tolist()
    [[3, 'role', 'bad enumeration value: expected one of fugitive, associate, facilitator, unknown']]
    >>> {k: case.counts["persons"][k] for k in ("read", "taken", "rejected")}
    {'read': 2, 'taken': 1, 'rejected': 1}

    See Also
    --------
    load_mapped : the same, from a mapping file.
    validate_table : the validation of one table.
    netanalysis.ingest.case_from_records : a small case from Python records.
    """
    folder = Path(path)
    if not folder.exists():
        raise InputError("case folder not found", file=folder)
    if not folder.is_dir():
        raise InputError("not a folder: a case is a folder of CSV files (persons.csv, links.csv...)",
                         file=folder)
    if phone_region is None:
        from netanalysis.settings import load_settings

        phone_region = load_settings().ingest.phone_region  # checked: upper case or None
    plan = {}
    if mapping is not None:
        from netanalysis.ingest.mapping import read_mapping

        mpath = Path(mapping)
        if not mpath.is_absolute() and not mpath.exists() and (folder / mpath).exists():
            mpath = folder / mpath
        m = read_mapping(mpath, case_folder=folder, allow_outside=allow_outside)
        for kind, spec in m.files.items():
            plan[kind] = spec
    files = _native_files(folder, allow_outside=allow_outside)
    for kind in LOAD_ORDER:
        if kind not in plan and kind in files:
            plan[kind] = files[kind]
    schema = case_schema()["files"]
    for kind, spec in schema.items():
        if spec.get("required_file") and kind not in plan:
            found = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file())) or "no files"
            raise InputError(f"no {spec['file']} in the case folder (found: {found}); a case needs "
                             f"at least {spec['file']} with columns "
                             f"{', '.join(c for c, d in spec['columns'].items() if d.get('required'))}",
                             file=folder)
    # Whole-file problems (binary content, no header, missing columns, bad mapping) are
    # found before any row is read: each native file's header is checked first. Then the
    # files are read and validated one at a time, so only one table of raw cells is in
    # memory at once.
    for kind in LOAD_ORDER:
        if isinstance(plan.get(kind), Path):
            _check_columns(kind, read_header(plan[kind]))

    tables, rejects, counts = {}, [], {}
    registry = _Registry(present=set(plan))
    for kind in LOAD_ORDER:
        if kind not in plan:
            counts[kind] = {"file": None, "read": 0, "taken": 0, "rejected": 0,
                            "encoding": None, "delimiter": None}
            continue
        src = plan.pop(kind)
        name = src.name if isinstance(src, Path) else src.display
        step = progress.step(f"reading {name}") if progress is not None else nullcontext()
        with step:
            if isinstance(src, Path):
                raw = read_csv_table(src)
                _check_columns(kind, raw)
                opts = TableOptions(decimal_comma=raw.delimiter not in (None, ","),
                                    phone_region=phone_region)
            else:
                raw, opts = src.read(phone_region=phone_region)
            table, rej = validate_table(kind, raw, opts, registry)
        tables[kind] = table
        nrej = int(rej["line"].nunique()) if len(rej) else 0
        counts[kind] = {"file": raw.file, "read": int(raw.read), "taken": int(len(table)),
                        "rejected": nrej, "encoding": raw.encoding, "delimiter": raw.delimiter}
        if counts[kind]["read"] != counts[kind]["taken"] + nrej:
            raise IngestCountError(
                f"{raw.file}: read {raw.read} rows but took {len(table)} and rejected {nrej}; "
                "this is a bug in netanalysis, please report it")
        if progress is not None and nrej:
            progress.say(f"{raw.file}: {nrej:,} of {raw.read:,} rows rejected")
        if len(rej):
            rejects.append(rej)
    rej_all = pd.concat(rejects, ignore_index=True) if rejects else empty_rejects()
    rej_all["line"] = rej_all["line"].astype("int64")
    return Case(tables=tables, rejects=rej_all[REJECT_COLUMNS], counts=counts, path=folder)


def load_mapped(mapping_path, *, progress=None, allow_outside=False):
    """Load the case a mapping file describes (sources relative to the mapping's folder).

    Equivalent to ``load_case(mapping_path.parent, mapping=mapping_path)``: kinds the mapping
    does not name are read from their standard files in that folder when present.

    Parameters
    ----------
    mapping_path : str or Path
        The mapping file (:mod:`netanalysis.ingest.mapping`).
    progress : Progress, optional
        Reports reading progress, as for :func:`load_case`.
    allow_outside : bool
        Read sources outside the mapping's folder (refused by default), as for
        :func:`load_case`.

    Returns
    -------
    Case
        The validated case, with its rejects and counts.

    See Also
    --------
    load_case : the same with the case folder named.
    netanalysis.ingest.mapping.read_mapping : reads and checks the mapping only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("codigo,nombre,papel\\nP1,Ana,fugitive\\n")
    >>> _ = (d / "m.yaml").write_text(
    ...     "version: 1\\nfiles:\\n  persons:\\n    source: p.csv\\n    columns:\\n"
    ...     "      codigo: id\\n      nombre: name\\n      papel: role\\n")
    >>> load_mapped(d / "m.yaml").tables["persons"]["name"].tolist()
    ['Ana']
    """
    p = Path(mapping_path)
    return load_case(p.parent, mapping=p, progress=progress, allow_outside=allow_outside)


def validate_table(kind, raw, options=None, registry=None):
    """Validate one :class:`~netanalysis.ingest.read.RawTable` of `kind`.

    Parameters
    ----------
    kind : str
        The file kind of case format v1 (``persons``, ``links``...).
    raw : RawTable
        The cells as read (:func:`netanalysis.ingest.read.read_csv_table`).
    options : TableOptions, optional
        Value maps, date formats, defaults and phone region of a mapping
        (:class:`netanalysis.ingest.validate.TableOptions`); none by default.
    registry : optional
        The ids of the files read before, kept by :func:`load_case` to check references
        and unique ids across files; without one, references are not checked.

    Returns
    -------
    table : DataFrame
        The rows taken: schema columns converted to their types, extra columns, ``_file``
        and ``_line``.
    rejects : DataFrame
        The rejects of this table (``file``, ``line``, ``column``, ``value``, ``problem``);
        rows in = rows taken + rows rejected.

    See Also
    --------
    load_case : validates every file of a case folder this way.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from netanalysis.ingest.read import read_csv_table
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "persons.csv"
    >>> _ = p.write_text("id,name,role\\nP1,Ana,fugitive\\nP2,Luis,boss\\n")
    >>> table, rejects = validate_table("persons", read_csv_table(p))
    >>> table[["id", "role", "_line"]].values.tolist()
    [['P1', 'fugitive', 2]]
    >>> rejects[["line", "column"]].values.tolist()
    [[3, 'role']]
    """
    options = options or TableOptions()
    schema = file_columns(kind)
    spec = case_schema()["files"][kind]
    data = raw.data
    n = len(data)
    lines = raw.lines
    probs = Problems(n, lines, raw.file)
    stripped = {c: (data[c] if raw.stripped else _strip(data[c])) for c in data.columns}
    out = {}
    for col in schema:
        out[col] = convert_column(kind, col, stripped.get(col), probs, options)

    key = spec.get("key")
    if key and schema[key].get("unique") and n:
        _check_unique(kind, key, out[key], lines, probs, options, registry)
    if registry is not None and n:
        _check_refs(kind, schema, out, probs, options, registry)
    _check_self_links(schema, out, probs, options)

    bad = probs.bad
    rej = _bad_record_rejects(raw)
    prej = probs.frame()
    parts = [p for p in (prej, rej) if p is not None and len(p)]
    if parts:
        rejects = pd.concat(parts, ignore_index=True)
        pos = {name: i for i, name in enumerate(raw.header)}
        rejects["_pos"] = rejects["column"].map(lambda c: pos.get(c, -1 if c == "" else len(pos)))
        rejects = (rejects.sort_values(["line", "_pos"], kind="stable")
                   .drop(columns="_pos").reset_index(drop=True))
    else:
        rejects = empty_rejects()

    keep = ~bad
    cols = {c: (v[keep].reset_index(drop=True) if not keep.all() else v) for c, v in out.items()}
    for c in data.columns:
        if c in schema:
            continue
        s = stripped[c]
        v = s.to_numpy(dtype=object, copy=True)
        v[v == ""] = None
        v = v[keep]
        cols[c] = pd.Series(v, dtype=object)
    ntaken = int(keep.sum())
    cols["_file"] = pd.Series(np.full(ntaken, raw.file, dtype=object), dtype=object)
    cols["_line"] = pd.Series(lines[keep], dtype="int64")
    table = pd.DataFrame(cols, index=pd.RangeIndex(ntaken))

    if registry is not None and key:
        registry.record(kind, out[key], lines, keep, raw, options)
    return table, rejects


def id_namespace(kind):
    """Return the kinds that share an id namespace with `kind`, in load order.

    Read from the schema: kinds one reference column may name together (``links.from_id``
    names a person or an organization) share ids, so an id may not stand for both.

    Parameters
    ----------
    kind : str
        A file kind of case format v1 (``"persons"``, ``"organizations"``...).

    Returns
    -------
    list of str
        The other kinds of its namespace (without `kind`), empty when it has none.

    See Also
    --------
    whole_table_message : the reject message of an id already used in the namespace.

    Examples
    --------
    >>> id_namespace("organizations"), id_namespace("documents")
    (['persons'], [])
    """
    out = set()
    for spec in case_schema()["files"].values():
        for decl in spec["columns"].values():
            if decl["type"] == "ref" and kind in decl.get("refs", ()):
                out.update(decl["refs"])
    out.discard(kind)
    return [k for k in LOAD_ORDER if k in out]


def whole_table_message(check, value, *, kind=None, other=None, targets=(), file=None,
                        line=None):
    """Return the reject message of a whole-table check: duplicate id, shared id namespace,
    or bad reference.

    The one place these messages are written, for the embedded loader and the Spark reader
    alike, so that both engines reject with the same words.

    Parameters
    ----------
    check : {"duplicate", "namespace", "reference"}
        ``"duplicate"``: `value` is already the id of `line` in the same file.
        ``"namespace"``: `value` is already an id of kind `other` (`file`, `line`), and
        `kind` and `other` share a namespace (:func:`id_namespace`). ``"reference"``: `value`
        names no taken row of `targets`; when `other` is given, the row of kind `other` at
        `file`, `line` that had this id was rejected.
    value : object
        The id (as read).
    kind : str, optional
        The kind of the file checked (``"namespace"``).
    other : str, optional
        The other kind (``"namespace"``), or the kind whose row with this id was rejected
        (``"reference"``).
    targets : sequence of str
        The kinds a reference column may name (``"reference"``).
    file : str, optional
        The file of `other`.
    line : int, optional
        The line of the first use (``"duplicate"``), of the prior id (``"namespace"``) or of
        the rejected row (``"reference"``).

    Returns
    -------
    str
        The ``problem`` text of the reject.

    Raises
    ------
    ValueError
        If `check` is none of the three.

    See Also
    --------
    validate_table : where the embedded loader uses it.
    id_namespace : the kinds of one namespace.

    Examples
    --------
    >>> whole_table_message("duplicate", "P1", line=2)
    "duplicate id: 'P1' is already used on line 2"
    >>> whole_table_message("namespace", "P1", kind="organizations", other="persons",
    ...                     file="persons.csv", line=2)
    "duplicate id: 'P1' is already a person id (persons.csv line 2); organizations and persons share one id namespace"
    >>> whole_table_message("reference", "P7", targets=["persons"], other="persons",
    ...                     file="persons.csv", line=8)
    'bad reference: refers to person P7, which was rejected (persons.csv line 8)'
    >>> whole_table_message("reference", "X", targets=["persons", "organizations"])
    "bad reference: refers to unknown person or organization 'X'"
    """
    if check == "duplicate":
        return f"{DUPLICATE}: {value!r} is already used on line {int(line)}"
    if check == "namespace":
        return (f"{DUPLICATE}: {value!r} is already a {_singular(other)} id "
                f"({file} line {int(line)}); "
                f"{' and '.join(sorted([kind, other]))} share one id namespace")
    if check == "reference":
        if other is not None:
            return (f"{BAD_REF}: refers to {_singular(other)} {printable(value)}, which was "
                    f"rejected ({file} line {int(line)})")
        return f"{BAD_REF}: refers to unknown {' or '.join(_singular(k) for k in targets)} {value!r}"
    raise ValueError(f"unknown check {check!r}: use 'duplicate', 'namespace' or 'reference'")


# ---------------------------------------------------------------- helpers

class _Registry:
    """Ids of the files read so far: taken (a set), rejected (with line), all (with first line)."""

    def __init__(self, present):
        self.present = present
        self.taken = {}
        self.rejected = {}
        self.first = {}
        self.files = {}

    def record(self, kind, ids, lines, keep, raw, options):
        ids = ids.to_numpy(dtype=object)
        nonempty = np.fromiter((i is not None for i in ids), dtype=bool, count=len(ids))
        self.taken[kind] = taken = _IdSet(ids[keep & nonempty])
        firsts = pd.Series(lines[nonempty], index=pd.Index(ids[nonempty], dtype=object))
        self.first[kind] = firsts[~firsts.index.duplicated(keep="first")]
        rej = {}
        rmask = ~keep & nonempty
        for i, ln in zip(ids[rmask], lines[rmask]):
            if i not in rej:
                rej[i] = int(ln)
        # Ids of records that could not be aligned with the header, where the key is readable.
        key = case_schema()["files"][kind].get("key")
        src = options.display.get(key, key)
        if src in raw.header:
            pos = raw.header.index(src)
            for line, _, _, cells in raw.bad:
                if pos < len(cells) and normalize_id(cells[pos]):
                    rej.setdefault(normalize_id(cells[pos]), int(line))
        if rej:
            keys = np.array(list(rej), dtype=object)
            for i in keys[taken.contains(keys)]:
                del rej[i]
        self.rejected[kind] = rej
        self.files[kind] = raw.file


class _IdSet:
    """The taken ids of one file, for membership tests of whole columns.

    Held as an Arrow array (``pyarrow.compute.is_in`` hashes contiguous UTF-8, about twice
    as fast as Python set lookups, and faster still than ``Index.get_indexer``, which first
    copies an object target to Arrow strings under pandas 3); a frozenset where pyarrow is
    missing or an id is not encodable (a lone surrogate from a JSON source).
    """

    def __init__(self, ids):
        self._arrow = _to_arrow(ids)
        self._set = frozenset(ids) if self._arrow is None else None

    def contains(self, values):
        """Boolean array: which of `values` (an object array of str) are taken ids."""
        if self._arrow is not None:
            av = _to_arrow(values)
            if av is not None:
                import pyarrow.compute as pc

                return pc.is_in(av, value_set=self._arrow).to_numpy(zero_copy_only=False)
            if self._set is None:
                self._set = frozenset(self._arrow.to_pylist())
        return np.fromiter(map(self._set.__contains__, values), dtype=bool, count=len(values))


def _to_arrow(values):
    try:
        import pyarrow as pa

        return pa.array(values, type=pa.large_string())
    except (ImportError, ValueError, TypeError, UnicodeError):  # ArrowInvalid is a ValueError
        return None


def _strip(s):
    return pd.Series(np.fromiter(map(str.strip, s.to_numpy(dtype=object)), dtype=object,
                                 count=len(s)), dtype=object)


def _singular(kind):
    return {"persons": "person", "organizations": "organization", "documents": "document",
            "phones": "phone"}.get(kind, kind)


def _check_unique(kind, key, ids, lines, probs, options, registry):
    shown = options.name(key)
    nonempty = ids.notna().to_numpy()
    dup = ids.duplicated(keep="first").to_numpy() & nonempty
    if dup.any():
        firsts = pd.Series(lines[nonempty], index=ids[nonempty].to_numpy())
        firsts = firsts[~firsts.index.duplicated(keep="first")]
        msgs = np.empty(len(ids), dtype=object)
        vals = ids.to_numpy(dtype=object)
        for p in np.flatnonzero(dup):
            msgs[p] = whole_table_message("duplicate", vals[p], line=firsts[vals[p]])
        probs.add(dup, shown, vals, msgs)
    if registry is None:
        return
    vals = ids.to_numpy(dtype=object)
    for other in id_namespace(kind):
        if other not in registry.first:
            continue
        prior = registry.first[other]
        hit = ids.isin(prior.index).to_numpy() & nonempty & ~dup
        if hit.any():
            msgs = np.empty(len(ids), dtype=object)
            for p in np.flatnonzero(hit):
                msgs[p] = whole_table_message("namespace", vals[p], kind=kind, other=other,
                                              file=registry.files[other], line=prior[vals[p]])
            probs.add(hit, shown, vals, msgs)


def _check_refs(kind, schema, out, probs, options, registry):
    for col, decl in schema.items():
        if decl["type"] != "ref":
            continue
        targets = [k for k in decl["refs"]]
        if not decl.get("required") and not any(k in registry.present for k in targets):
            continue  # the referenced file is absent: nothing to check against
        vals = out[col]
        nonempty = vals.notna().to_numpy()
        known = np.zeros(len(vals), dtype=bool)
        arr = vals.to_numpy(dtype=object)
        for k in targets:
            if k in registry.taken:
                todo = np.flatnonzero(nonempty & ~known)
                known[todo] = registry.taken[k].contains(arr[todo])
        miss = nonempty & ~known
        if not miss.any():
            continue
        cache = {}
        msgs = np.empty(len(vals), dtype=object)
        for p in np.flatnonzero(miss):
            v = arr[p]
            if v not in cache:
                cache[v] = _ref_message(v, targets, registry)
            msgs[p] = cache[v]
        probs.add(miss, options.name(col), arr, msgs)


def _ref_message(v, targets, registry):
    for k in targets:
        line = registry.rejected.get(k, {}).get(v)
        if line is not None:
            return whole_table_message("reference", v, targets=targets, other=k,
                                       file=registry.files[k], line=line)
    return whole_table_message("reference", v, targets=targets)


def _check_self_links(schema, out, probs, options):
    refs = [c for c, d in schema.items() if d["type"] == "ref" and d.get("required")]
    for i, a in enumerate(refs):
        for b in refs[i + 1:]:
            if schema[a].get("refs") != schema[b].get("refs"):
                continue
            va, vb = out[a], out[b]
            same = (va.notna() & (va == vb)).to_numpy()
            probs.add(same, options.name(b), vb.to_numpy(dtype=object),
                      f"{SELF_LINK}: {a} and {b} are the same")


def _bad_record_rejects(raw):
    if not raw.bad:
        return None
    return pd.DataFrame({
        "file": pd.Series([raw.file] * len(raw.bad), dtype=object),
        "line": np.asarray([b[0] for b in raw.bad], dtype=np.int64),
        "column": pd.Series([""] * len(raw.bad), dtype=object),
        "value": pd.Series([b[2] for b in raw.bad], dtype=object),
        "problem": pd.Series([b[1] for b in raw.bad], dtype=object),
    })


def _native_files(folder, allow_outside=False):
    """Map each file kind to its file in `folder` (names compared without regard to case).

    A file that is a symbolic link leading outside `folder` is refused unless `allow_outside`.
    """
    by_name = {}
    names = {spec["file"].lower() for spec in case_schema()["files"].values()}
    root = folder.resolve()
    for p in folder.iterdir():
        if p.is_file():
            if not allow_outside and p.name.lower() in names and not p.resolve().is_relative_to(root):
                raise InputError("is a symbolic link to a file outside the case folder; copy the "
                                 "file into the folder, or allow it explicitly "
                                 "(allow_outside=True, --allow-outside-sources)", file=p)
            by_name.setdefault(p.name.lower(), []).append(p)
    out = {}
    for kind, spec in case_schema()["files"].items():
        hits = by_name.get(spec["file"].lower(), [])
        if len(hits) > 1:
            raise InputError(f"two files for {spec['file']}: "
                             f"{', '.join(sorted(h.name for h in hits))}; keep one", file=folder)
        if hits:
            out[kind] = hits[0]
    return out


def _check_columns(kind, raw: RawTable):
    schema = file_columns(kind)
    missing = [c for c, d in schema.items() if d.get("required") and c not in raw.header]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SchemaError(f"missing required column{plural} {', '.join(missing)} "
                          f"(found: {printable(', '.join(raw.header), 500)}); rename the header or load the file "
                          "through a mapping", file=raw.path, line=raw.header_line)
