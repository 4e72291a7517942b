"""The built-in department alias table: one registry name for each body a plan names.

A department name as a plan writes it is an administrative *prefix* plus a *body*:
``市`` + ``发改委``, ``汉滨区`` + ``环保局``, ``国网安康`` + ``供电公司``. The prefix is kept as written
(``市``/``区``/``县``…, or a full place name such as ``安康市`` or ``汉滨区``); the body is mapped to its
canonical current form from ``dept_aliases.toml`` (发改委 = 发展和改革委员会 = 发展改革局 → 发展改革委;
环保局 → 生态环境局 after the 2018 reform; …). Matching ignores 和 and reads 委员会 as 委.

Names whose body is not in the table (各县(市、区)人民政府, 相关镇街, 市直有关部门, 市整改办) are
registry entries of their own, kept as written after `normalize`.

Public API: `canonical_name`, `short_names`, `normalize`, `is_known`, `BUILTIN_ALIASES`, `RENAMES`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

__all__ = ["BUILTIN_ALIASES", "RENAMES", "Rename", "canonical_name", "is_known", "normalize", "short_names"]


@dataclass(frozen=True)
class Rename:
    """A historical rename of a body: `old` became `new` in `year`.

    `mapped` is True when the table maps the old body to the new one (canonical_name agrees);
    False for a note only (a split, or an ambiguous successor), where the old body keeps its own entry.
    """

    old: str
    new: str
    year: int
    mapped: bool = True
    note: str = ""


def _load() -> tuple[dict[str, tuple[str, ...]], frozenset[str], tuple[Rename, ...]]:
    data = tomllib.loads(resources.files(__package__).joinpath("dept_aliases.toml").read_text("utf-8"))
    table: dict[str, tuple[str, ...]] = {}
    any_prefix: set[str] = set()
    for entry in data.get("body", []):
        canon = entry["canonical"]
        if canon in table:
            raise ValueError(f"dept_aliases.toml: {canon} is listed twice")
        table[canon] = tuple(entry.get("aliases", []))
        if entry.get("any_prefix"):
            any_prefix.add(canon)
    renames = tuple(
        Rename(r["old"], r["new"], int(r["year"]), bool(r.get("mapped", True)), r.get("note", ""))
        for r in data.get("rename", [])
    )
    return table, frozenset(any_prefix), renames


def _key(body: str) -> str:
    """Matching key of a body: 和 dropped, 委员会 read as 委."""
    return body.replace("委员会", "委").replace("和", "")


_TABLE, _ANY_PREFIX, _RENAMES = _load()

#: canonical body → its alias bodies (read-only).
BUILTIN_ALIASES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_TABLE)
#: historical renames, oldest first as listed in the data file.
RENAMES: tuple[Rename, ...] = _RENAMES


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canon, aliases in _TABLE.items():
        for body in (canon, *aliases):
            k = _key(body)
            if index.get(k, canon) != canon:
                raise ValueError(f"dept_aliases.toml: {body} belongs to both {index[k]} and {canon}")
            index[k] = canon
    return index


_INDEX = _build_index()

# an administrative prefix ends with a level word, optionally closed by a bracket: 市, 汉滨区, 各县(市、区)
_ADMIN_PREFIX = re.compile(r"(?:[省市区县州盟旗镇乡]|街道)\)?$")
_BRACKETS = str.maketrans(
    {"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")", "{": "(", "}": ")"}
)
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = " 、,;:.。，；："


def normalize(name: str) -> str:
    """Whitespace and bracket normalisation: NFKC (full-width → half-width), 〔〕【】[] → (), no spaces."""
    s = unicodedata.normalize("NFKC", name).translate(_BRACKETS)
    return _SPACE.sub("", s).strip(_EDGE_PUNCT)


def _split(name: str) -> tuple[str, str] | None:
    """(prefix as written, canonical body) for a normalised name whose body is in the table, else None.

    The longest known body wins (市市场监管局 is 市 + 市场监管局, not 市市场 + …); the prefix before it
    must be empty or administrative, unless the body takes any prefix (国网安康 + 供电公司).
    """
    for i in range(len(name)):
        canon = _INDEX.get(_key(name[i:]))
        if canon is None:
            continue
        prefix = name[:i]
        if not prefix or canon in _ANY_PREFIX or _ADMIN_PREFIX.search(prefix):
            return prefix, canon
    return None


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """The registry name for a department name as written in a plan.

    The prefix stays as written and the body becomes its canonical form:
    市发改委 → 市发展改革委, 汉滨区环保局 → 汉滨区生态环境局, 区经信委 → 区工业和信息化局,
    市委宣传部 stays. Names whose body is not a known department are returned normalised as written.
    """
    s = normalize(name)
    parts = _split(s)
    if parts is None:
        return s
    prefix, body = parts
    if not prefix and body.startswith("委"):  # 委宣传部 needs its 市/区/县: a bare 宣传部 stays as written
        return s
    return prefix + body


def is_known(name: str) -> bool:
    """Whether the name's body is in the built-in table (otherwise it is a registry entry as written)."""
    return _split(normalize(name)) is not None


def short_names(canonical: str) -> list[str]:
    """The known aliases of a canonical name, with its prefix: 市发展改革委 → [市发改委, 市发展和改革委员会, …].

    The argument is canonicalised first, so any alias works too. The canonical name itself is not in
    the list; an unknown name has no aliases.
    """
    s = canonical_name(canonical)
    parts = _split(s)
    if parts is None:
        return []
    prefix, body = parts
    if not prefix and body.startswith("委"):
        return []
    out: list[str] = []
    for alias in _TABLE[body]:
        full = prefix + alias
        if full != s and full not in out:
            out.append(full)
    return out
