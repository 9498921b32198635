// The compute-optimal calculator on the book's page, without a kernel: a budget slider and a law
// menu over the closed forms of scalinglaws.analysis.allocation.evaluate_spec, with every constant
// and the refit's bootstrap replicates read from calculator.json (written by `make book` from the
// package; nothing here is retyped). It fills <div id="web-calculator"> where a page has one.
(() => {
  "use strict";

  function evaluate(spec, C) {
    if (spec.form === "kaplan") {
      const cMin = C / spec.flops_per_c_min_pf;
      return {
        N_opt: spec.N_e * cMin ** spec.p_N,
        D_opt: spec.D_e * cMin ** spec.p_D,
        loss: (spec.C_c_min / cMin) ** spec.alpha_C_min,
      };
    }
    const f = spec.fit;
    let N, D;
    if (spec.form === "eq4") {
      const s = f.alpha + f.beta;
      const G = ((f.alpha * f.A) / (f.beta * f.B)) ** (1 / s);
      N = G * (C / 6) ** (f.beta / s);
      D = (C / 6) ** (f.alpha / s) / G;
    } else if (spec.form === "table") {
      N = spec.k * C ** spec.a;
      D = C / (6 * N);
    } else {
      throw new Error(`unknown law form ${spec.form}`);
    }
    return { N_opt: N, D_opt: D, loss: f.E + f.A / N ** f.alpha + f.B / D ** f.beta };
  }

  // numpy's default percentile: linear interpolation between the sorted values
  function percentile(values, q) {
    const v = [...values].sort((a, b) => a - b);
    const pos = (q / 100) * (v.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, v.length - 1);
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
  }

  function band(data, C) {
    const b = data.band;
    const fits = b.replicates.map((r) => Object.fromEntries(b.keys.map((k, i) => [k, r[i]])));
    const at = fits.map((fit) => evaluate({ form: "eq4", fit }, C));
    const q = (100 * (1 - b.level)) / 2;
    const out = {};
    for (const key of ["N_opt", "D_opt", "loss"]) {
      const xs = at.map((x) => x[key]);
      out[key] = [percentile(xs, q), percentile(xs, 100 - q)];
    }
    return out;
  }

  // each cell carries its column's name (data-label), which book.css shows on a phone
  const sci = (x) => x.toPrecision(3).replace(/e\+?/, "e");
  const fixed = (x, d) => x.toFixed(d);

  function render(root, data, C, choice) {
    const laws = choice === "all" ? data.laws : data.laws.filter((l) => l.law === choice);
    const rows = laws.map((l) => {
      const v = evaluate(l.spec, C);
      const iv = data.band && l.law === data.band.law ? band(data, C) : null;
      const cell = (key, text) =>
        `<td data-label="${key}" data-law="${l.law}" data-key="${key}" data-value="${v[key]}">${text}` +
        (iv ? ` <span class="calc-band">[${sci(iv[key][0])}, ${sci(iv[key][1])}]</span>` : "") +
        "</td>";
      return (
        `<tr><td data-label="law" title="${l.source}">${l.law}</td>` +
        cell("N_opt", sci(v.N_opt)) +
        cell("D_opt", sci(v.D_opt)) +
        `<td data-label="D/N">${fixed(v.D_opt / v.N_opt, 1)}</td>` +
        cell("loss", fixed(v.loss, 3)) +
        `<td data-label="parameters">${l.params}</td><td data-label="kind">${l.kind}</td></tr>`
      );
    });
    root.querySelector(".calc-budget").textContent = `C = ${sci(C)} FLOPs`;
    root.querySelector("tbody").innerHTML = rows.join("");
  }

  async function start(root) {
    const base = document.documentElement.dataset.content_root || "../";
    const data = await (await fetch(`${base}_static/calculator.json`)).json();
    const [lo, hi] = data.flops_range.map(Math.log10);
    const options = ["all", ...data.laws.map((l) => l.law)]
      .map((n) => `<option value="${n}">${n}</option>`)
      .join("");
    root.innerHTML =
      `<p><label>budget <input class="calc-slider" type="range" min="${lo}" max="${hi}" ` +
      `step="0.01" value="${Math.log10(data.flops)}" aria-label="training budget, log10 FLOPs"></label> ` +
      `<span class="calc-budget"></span> <label>law <select class="calc-law">${options}</select></label></p>` +
      `<table class="calc-table"><thead><tr><th>law</th><th>N_opt</th><th>D_opt</th><th>D/N</th>` +
      `<th>loss</th><th>parameters</th><th>kind</th></tr></thead><tbody></tbody></table>` +
      (data.band
        ? `<p class="calc-note">${data.band.law}: ${Math.round(100 * data.band.level)}% ` +
          `bootstrap interval over ${data.band.replicates.length} replicates in brackets.</p>`
        : "");
    const slider = root.querySelector(".calc-slider");
    const menu = root.querySelector(".calc-law");
    const update = () => render(root, data, 10 ** Number(slider.value), menu.value);
    slider.addEventListener("input", update);
    menu.addEventListener("change", update);
    update();
    root.dataset.ready = "true";
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("web-calculator");
    if (root) start(root).catch((err) => {
      root.textContent = `The calculator could not load its data: ${err}`;
    });
  });
})();
