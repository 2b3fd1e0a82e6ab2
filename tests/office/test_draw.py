"""The expert draw: every panel it draws is valid, every valid panel is equally likely, and it re-derives."""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.draw import DrawShortError, draw_panel, snapshot_hash, verify
from engine.draw.sample import counts, least_domain
from engine.draw.stream import SeedStream
from rules import load_rulebook
from tests.office.conftest import example

RS = load_rulebook().at("2024-01-01")
AGENCY = "上海某甲会计师事务所有限公司"
UNIT = "七宝镇社区管理办公室"
FORMED = date(2024, 4, 10)


def expert(i: int, *, domain: bool, pool: str = "district", ties: list | None = None) -> dict:
    return {"id": f"X{i:02d}", "name": f"专家{i}", "pool": pool, "domain_expert": domain, "ties": ties or []}


def draw(records, seed: bytes = b"seed"):
    return draw_panel(records, agency=AGENCY, project_unit=UNIT, formed_on=FORMED, rs=RS, seed=seed)


def test_the_stream_is_sha256_in_counter_mode():
    """Block 0 is SHA-256(domain ‖ seed ‖ 0 as 8 bytes): the same bytes on every machine."""
    stream = SeedStream(b"abc")
    expected = hashlib.sha256(b"kaoping/panel-draw/v1\x00abc" + (0).to_bytes(8, "big")).digest()
    assert stream.read(32) == expected
    one, two = SeedStream(b"abc"), SeedStream(b"abc")
    assert [one.below(7) for _ in range(50)] == [two.below(7) for _ in range(50)]
    assert SeedStream(b"abc").sample(["a", "b", "c", "d"], 4) == SeedStream(b"abc").sample(
        ["a", "b", "c", "d"], 4
    )


def test_below_is_uniform_without_modulo_bias():
    """Rejection sampling: 6,000 draws below 6 fall evenly (each within 5 % of 1,000)."""
    stream = SeedStream(b"uniform")
    found = Counter(stream.below(6) for _ in range(6000))
    assert set(found) == set(range(6))
    assert all(900 < n < 1100 for n in found.values())


def test_the_minimum_domain_share_and_the_panel_counts_come_from_the_rules():
    """5 members at a share of 0.5 need 3 domain experts; C(D,d)·C(N,5-d) panels for each d."""
    share = RS.param("panel.min_domain_share")
    size = RS.param("panel.min_members")
    assert least_domain(size, share) == 3
    assert counts(4, 3, size, share) == {3: 4 * 3, 4: 1 * 3}
    assert least_domain(4, Decimal("0.5")) == 2


def test_candidates_exclude_outside_pools_and_ties_inside_the_look_back_window():
    """EXP-03 and EXP-04 exclusions, each with its reason; an old tie does not exclude."""
    records = [expert(i, domain=i < 5) for i in range(10)]
    records[1]["pool"] = "other"
    records[2]["ties"] = [{"org": AGENCY, "relation": "employee", "until": "2022-01-01"}]
    records[3]["ties"] = [{"org": AGENCY, "relation": "employee", "until": "2020-01-01"}]  # before the cutoff
    records[6]["ties"] = [{"org": UNIT, "relation": "relative_of_head"}]
    result = draw(records)
    assert [e["id"] for e in result["excluded"]] == ["X01", "X02", "X06"]
    assert result["excluded"][0]["reasons"] == [{"rule": "EXP-03", "pool": "other"}]
    assert result["excluded"][2]["reasons"] == [
        {"rule": "EXP-04", "org": UNIT, "relation": "relative_of_head", "until": None}
    ]
    assert result["candidates"] == {"domain": ["X00", "X03", "X04"], "other": ["X05", "X07", "X08", "X09"]}
    assert result["total"] == 1 * 6  # all three domain experts, two of four others


def test_the_same_seed_gives_the_same_panel_and_verify_re_derives_it():
    """Deterministic in the seed; verify finds no difference; a tampered record is caught."""
    records = [expert(i, domain=i % 2 == 0) for i in range(12)]
    first, second = draw(records, b"\x01" * 32), draw(list(reversed(records)), b"\x01" * 32)
    assert first == second
    assert verify(first, RS) == []
    tampered = {**first, "panel": sorted([*first["panel"][:-1], "X99"])}
    assert "panel" in verify(tampered, RS)
    altered = {**first, "snapshot": [{**first["snapshot"][0], "pool": "other"}, *first["snapshot"][1:]]}
    assert "snapshot" in verify(altered, RS)
    assert snapshot_hash(records) == snapshot_hash(list(reversed(records)))


def test_a_registry_that_cannot_satisfy_the_rules_says_which_rule_and_how_many_short():
    """Four candidates of whom two are domain experts: EXP-01 one short, EXP-02 one short."""
    records = [expert(i, domain=i < 2) for i in range(4)] + [expert(9, domain=True, pool="other")]
    with pytest.raises(DrawShortError) as caught:
        draw(records)
    assert caught.value.shortfalls == [
        {"rule": "EXP-01", "needed": 5, "available": 4, "short": 1},
        {"rule": "EXP-02", "needed": 3, "available": 2, "short": 1},
    ]
    text = caught.value.text()
    assert "EXP-01要求专家组至少5名，还差1名" in text
    assert "X09 专家9未列为候选：不属于规定的专家库（EXP-03，库外专家）" in text


registries = st.lists(
    st.tuples(
        st.booleans(),
        st.sampled_from(["municipal", "district", "other"]),
        st.sampled_from([None, "agency-now", "agency-old", "unit-recent", "elsewhere"]),
    ),
    min_size=0,
    max_size=14,
)
TIES = {
    None: [],
    "agency-now": [{"org": AGENCY, "relation": "director"}],
    "agency-old": [{"org": AGENCY, "relation": "employee", "until": "2020-04-10"}],
    "unit-recent": [{"org": UNIT, "relation": "supervisor", "until": "2021-04-11"}],
    "elsewhere": [{"org": "无关单位", "relation": "employee"}],
}


@settings(max_examples=80, deadline=None)
@given(registry=registries, seed=st.binary(min_size=1, max_size=32))
def test_every_drawn_panel_passes_exp_01_to_04_as_the_engine_decides(evaluator, registry, seed):
    """Draw from a random registry; the case with that panel is decided valid by the engine."""
    records = [
        expert(i, domain=domain, pool=pool, ties=TIES[tie]) for i, (domain, pool, tie) in enumerate(registry)
    ]
    try:
        result = draw(records, seed)
    except DrawShortError as exc:
        pool = exc.pool
        share = RS.param("panel.min_domain_share")
        assert (
            sum(counts(len(pool.domain), len(pool.other), RS.param("panel.min_members"), share).values()) == 0
        )
        return
    by_id = {r["id"]: r for r in records}
    case = example()
    case["panel"] = {"formed_on": FORMED.isoformat(), "members": [by_id[i] for i in result["panel"]]}
    for node in ("plan", "draft"):
        case[node]["scores"].pop("expert_panel")
    decision = evaluator.evaluate(case)
    assert decision["panel"] == {"status": "valid", "failed": [], "conflicted_members": []}
    outcomes = {t["rule"]: t["outcome"] for t in decision["trace"]}
    assert [outcomes[r] for r in ("EXP-01", "EXP-02", "EXP-03", "EXP-04")] == ["held"] * 4


def test_the_draw_is_uniform_over_every_valid_panel():
    """4 domain experts and 3 others: 15 valid panels of 5; 6,000 draws from fixed seeds, chi-squared.

    The valid panels are enumerated directly (every 5 of the 7 with at least 3 domain experts). With 14
    degrees of freedom the statistic stays below 36.12 with probability 0.999 (chi-squared table); the
    seeds are fixed, so the test is deterministic.
    """
    records = [expert(i, domain=i < 4) for i in range(7)]
    valid = [
        tuple(sorted(f"X{i:02d}" for i in combo))
        for combo in itertools.combinations(range(7), 5)
        if sum(1 for i in combo if i < 4) >= 3
    ]
    assert len(valid) == 15 == sum(counts(4, 3, 5, Decimal("0.5")).values())
    draws = 6000
    seen = Counter(tuple(draw(records, i.to_bytes(4, "big"))["panel"]) for i in range(draws))
    assert set(seen) == set(valid)
    expected = draws / len(valid)
    statistic = sum((seen[p] - expected) ** 2 / expected for p in valid)
    assert statistic < 36.12, statistic
    assert math.isclose(sum(seen.values()), draws)
