"""The built-in department alias table: seeds' names all resolve, aliases collapse, bodies stay apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taizhang.ledger.aliases import (
    BUILTIN_ALIASES,
    RENAMES,
    canonical_name,
    is_known,
    normalize,
    short_names,
)

ROLES = ("lead", "support", "implementers")


def _names(records) -> set[str]:
    return {n for r in records for role in ROLES for n in r.get(role, [])}


@pytest.fixture(scope="module")
def gold_names(shared: Path) -> set[str]:
    names: set[str] = set()
    for f in sorted((shared / "gold").glob("*.json")):
        names |= _names(json.loads(f.read_text("utf-8"))["assignments"])
    assert names, "the gold files name no departments"
    return names


@pytest.fixture(scope="module")
def parsed_names(shared: Path) -> set[str]:
    from taizhang.plan.parse import parse_plan
    from taizhang.text.read import read_document

    names: set[str] = set()
    for f in sorted((shared / "seeds").glob("*.txt")):
        names |= _names(parse_plan(read_document(f)).to_dict()["tasks"])
    assert names, "the parser found no departments in the seeds"
    return names


def test_every_seed_name_maps(gold_names, parsed_names):
    names = gold_names | parsed_names
    canon = {n: canonical_name(n) for n in names}
    for n, c in canon.items():
        assert c, n
        assert canonical_name(c) == c, f"{n} → {c} is not a fixed point"
        assert normalize(c) == c
    distinct = set(canon.values())
    print(f"\nseed department names: {len(names)} distinct → {len(distinct)} canonical entries")
    assert len(distinct) < len(names)
    # the seeds' own alias pairs collapse
    for group in (
        ("市发改委", "市发展改革委"),
        ("市卫健委", "市卫生健康委"),
        ("市应急局", "市应急管理局"),
        ("市住建局", "市住房城乡建委"),
        ("市农业农村委", "市农业农村局"),
        ("市检察院", "市人民检察院"),
        ("区安监局", "区政府应急办"),
        ("区国税局", "区地税局"),
    ):
        if set(group) <= names:
            assert len({canon[n] for n in group}) == 1, group


def test_known_alias_pairs_collapse():
    assert canonical_name("市发改委") == "市发展改革委"
    assert canonical_name("市发展改革委") == "市发展改革委"
    assert canonical_name("市发展和改革委员会") == "市发展改革委"
    assert canonical_name("县发展和改革局") == "县发展改革委"
    assert canonical_name("区环保局") == "区生态环境局"
    assert canonical_name("区环境保护局") == "区生态环境局"
    assert canonical_name("汉滨区环保局") == "汉滨区生态环境局"
    assert canonical_name("安康市国土资源局") == "安康市自然资源局"
    assert canonical_name("市规划局") == "市自然资源局"
    assert canonical_name("市自然资源和规划局") == "市自然资源和规划局"
    assert canonical_name("区农委") == canonical_name("区农业局") == "区农业农村局"
    assert canonical_name("市住建局") == canonical_name("市住房和城乡建设局") == "市住房城乡建设局"
    assert canonical_name("市交通局") == "市交通运输局"
    assert canonical_name("市工信局") == canonical_name("市经信局") == canonical_name("市经济和信息化委员会")
    assert canonical_name("市工信局") == "市工业和信息化局"
    assert canonical_name("县市场监督管理局") == canonical_name("县工商局") == "县市场监管局"
    assert canonical_name("区安监局") == canonical_name("区应急局") == "区应急管理局"
    assert canonical_name("市城管局") == canonical_name("市城管执法局") == "市城市管理局"
    assert canonical_name("市林业和草原局") == "市林业局"
    assert canonical_name("市卫生和计划生育委员会") == canonical_name("市卫健委") == "市卫生健康委"
    assert canonical_name("市文旅局") == "市文化和旅游局"
    assert canonical_name("市电力公司") == "市供电公司"
    assert canonical_name("区编办") == "区委编办"
    assert canonical_name("市委宣传部") == "市委宣传部"


def test_distinct_bodies_stay_distinct():
    assert len({canonical_name(n) for n in ("市水利局", "市水务局", "市生态环境局")}) == 3
    assert canonical_name("市发改委") != canonical_name("区发改委")
    assert canonical_name("市自然资源局") != canonical_name("市规划和自然资源局")
    assert canonical_name("市教育局") != canonical_name("市教体局")
    assert canonical_name("市乡村振兴局") != canonical_name("市农业农村局")
    assert canonical_name("汉滨区环保局") != canonical_name("区环保局")  # a named prefix stays


def test_prefix_parsing():
    assert canonical_name("市市场监管局") == "市市场监管局"
    assert canonical_name("市场监管局") == "市场监管局"
    assert canonical_name("区市政园林局") == "区市政园林局"
    assert canonical_name("安康市人民政府办公室") == "安康市政府办公室"
    assert canonical_name("国网安康供电公司") == "国网安康供电公司"
    assert canonical_name("宣传部") == "宣传部"  # 委宣传部 needs its 市/区/县


def test_normalisation_and_non_departments():
    assert canonical_name("各县（市、区）人民政府") == "各县(市、区)人民政府"
    assert canonical_name(" 各县 ( 市、区 ) 人民政府 ") == "各县(市、区)人民政府"
    assert canonical_name("市 生态环境局") == "市生态环境局"
    assert canonical_name("市直有关部门") == "市直有关部门"
    assert canonical_name("各镇街") == "各镇街"
    assert not is_known("各镇街")
    assert is_known("汉滨区环保局")


def test_short_names():
    aliases = short_names("市发展改革委")
    assert {"市发改委", "市发展和改革委员会", "市发展改革局"} <= set(aliases)
    assert "市发展改革委" not in aliases
    assert short_names("市发改委") == aliases
    assert "汉滨区环保局" in short_names("汉滨区生态环境局")
    assert short_names("相关镇街") == []
    for canon in (canonical_name(a) for a in short_names("县住房城乡建设局")):
        assert canon == "县住房城乡建设局"


def test_table_is_consistent():
    assert "生态环境局" in BUILTIN_ALIASES and "环保局" in BUILTIN_ALIASES["生态环境局"]
    for canon, aliases in BUILTIN_ALIASES.items():
        for alias in aliases:
            assert canonical_name("市" + alias) == canonical_name("市" + canon), (alias, canon)
    for r in RENAMES:
        same = canonical_name("市" + r.old) == canonical_name("市" + r.new)
        assert same == r.mapped, r
    assert any(r.old == "环保局" and r.new == "生态环境局" and r.year == 2018 for r in RENAMES)
