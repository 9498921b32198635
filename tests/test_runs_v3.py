"""The v3 study's design (scalinglaws.training.plans_v3): horizons per size, late evaluations."""

import json
import math

import pytest

from scalinglaws.core import paths
from scalinglaws.training import plans, plans_v3, sweep
from scalinglaws.training.config import RunConfig, counts, eval_steps, validate

PLANS = paths.DATA / "runs" / "plans"


def _by_size():
    out: dict[tuple, list[dict]] = {}
    for e in plans_v3.horizons_plan():
        out.setdefault((e["n_layer"], e["d_model"]), []).append(e)
    return out


def test_every_size_has_four_horizons_over_a_factor_16_around_its_expected_optimum():
    # Hoffmann 2022 section 3.1: 4 horizons per size, spanning a factor 16
    groups = _by_size()
    assert len(groups) == plans_v3.SIZES
    for (L, _d), entries in groups.items():
        c = counts(validate(entries[0]).model())
        C_opt = plans_v3.expected_budget(c["params_total"])
        f = sorted(e["flops"] / C_opt for e in entries)
        assert len(f) == 4 and f[-1] / f[0] == pytest.approx(16, rel=1e-3)
        assert f[0] < 1 < f[-1] and math.sqrt(f[0] * f[-1]) == pytest.approx(1, rel=1e-3)
        # one batch, learning rate and beta2 per size: its horizons differ only in length
        assert len({(e["batch_size"], e["lr"], e["beta2"]) for e in entries}) == 1
        assert L >= plans_v3.MIN_LAYERS


def test_the_expected_optimum_passes_through_v2s_optima():
    for C, N in plans_v3.V2_OPTIMA:
        assert plans_v3.expected_budget(N) == pytest.approx(C, rel=1e-12)


def test_every_run_has_ten_or_more_evaluations_in_its_last_15_percent():
    for e in plans_v3.horizons_plan():
        steps = validate(e).derived()["steps"]
        assert steps >= plans_v3.MIN_STEPS or e["batch_size"] == plans_v3.BATCHES[-1]
        late = [s for s in eval_steps(steps, e["n_eval"], e["eval_late"]) if s >= 0.85 * steps]
        assert len(late) >= 10, (e, steps, late)


def test_late_evaluations_are_even_and_end_at_the_last_step():
    pts = eval_steps(1000, 16, 12)
    late = [s for s in pts if s > 850]
    assert late == [round(850 + 150 * i / 12) for i in range(1, 13)]
    assert pts[-1] == 1000 and eval_steps(1000, 16) == eval_steps(1000, 16, None)


def test_eval_late_leaves_earlier_run_ids_alone():
    base = {"study": "t", "corpus": "prose", "n_layer": 1, "d_model": 16, "n_head": 2, "flops": 1e9}
    assert validate(base).run_id() == validate({**base, "eval_late": None}).run_id()
    assert validate(base).run_id() != validate({**base, "eval_late": 12}).run_id()
    with pytest.raises(ValueError, match="eval_late"):
        validate({**base, "eval_late": 0})


def test_the_committed_plan_is_the_design():
    committed = json.loads((PLANS / "v3_horizons.json").read_text())
    assert committed == plans_v3.horizons_plan()
    assert [RunConfig(**e).run_id() for e in committed] == [
        validate(e).run_id() for e in plans_v3.horizons_plan()
    ]


def test_v3_plans_write_to_their_own_results_folder():
    assert sweep.results_for(PLANS / "v3_horizons.json") == sweep.RESULTS / "v3"
    assert sweep.results_for(PLANS / "v2_noise.json") == sweep.RESULTS / "v2"
    assert sweep.results_for(PLANS / "smoke.json") == sweep.RESULTS


def test_v3_stays_under_900_tflop():

    rows = plans.cost_table(versions=("v3",))
    assert {r["plan"] for r in rows} == set(plans_v3.plans())
    assert sum(r["tflop"] for r in rows) < 900
