import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../../src/tf";
import { createOptimizer, OptimizerSpec } from "../../../src/train/optimizers";

// Two steps of each optimizer on one parameter vector, against the update rules computed by hand.
const w0 = [1, -2, 0.5], g1 = [0.3, -0.1, 2], g2 = [-0.2, 0.4, 1];

function byHand(spec: OptimizerSpec, scale: number): number[] {
  const w = w0.slice(), m = [0, 0, 0], v = [0, 0, 0], buf = [0, 0, 0];
  [g1, g2].forEach((gRaw, t0) => {
    const t = t0 + 1;
    for (let i = 0; i < 3; i++) {
      const rate = spec.lr * scale;
      const wd = spec.weightDecay ?? 0;
      if (spec.kind === "sgd") {
        const g = gRaw[i] + wd * w[i];
        const mu = spec.momentum ?? 0;
        if (mu > 0) {
          buf[i] = t === 1 ? g : mu * buf[i] + g;
          w[i] -= rate * (spec.nesterov ? g + mu * buf[i] : buf[i]);
        } else w[i] -= rate * g;
      } else {
        const b1 = spec.beta1 ?? 0.9, b2 = spec.beta2 ?? 0.999, eps = spec.eps ?? 1e-8;
        let g = gRaw[i];
        let base = w[i];
        if (spec.kind === "adamw") base = w[i] * (1 - rate * wd);
        else g += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] = base - rate * (m[i] / (1 - b1 ** t)) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
      }
    }
  });
  return w;
}

const specs: OptimizerSpec[] = [
  { kind: "sgd", lr: 0.1 },
  { kind: "sgd", lr: 0.1, momentum: 0.9 },
  { kind: "sgd", lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  { kind: "adam", lr: 0.01 },
  { kind: "adam", lr: 0.01, weightDecay: 0.1, beta1: 0.8 },
  { kind: "adamw", lr: 0.01, weightDecay: 0.1 },
];

for (const spec of specs) {
  test(`${JSON.stringify(spec)}: two steps match the rule computed by hand (with a learning-rate scale)`, async () => {
    const tf = await tfReady();
    for (const scale of [1, 0.5]) {
      const w = tf.variable(tf.tensor1d(w0));
      const opt = createOptimizer(tf, spec, [w], [scale]);
      for (const g of [g1, g2]) {
        const gt = tf.tensor1d(g);
        opt.step([gt], spec.lr);
        gt.dispose();
      }
      const got = Array.from(w.dataSync()), want = byHand(spec, scale);
      got.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-6, `scale ${scale}, w[${i}] = ${x}, by hand ${want[i]}`));
      assert.equal(opt.steps, 2);
      opt.dispose();
      w.dispose();
    }
  });
}

test("invalid optimizer settings are refused by name", async () => {
  const tf = await tfReady();
  const w = tf.variable(tf.tensor1d([1]));
  assert.throws(() => createOptimizer(tf, { kind: "sgd", lr: -1 }, [w]), /lr must be a positive number/);
  assert.throws(() => createOptimizer(tf, { kind: "sgd", lr: 0.1, momentum: 1 }, [w]), /momentum/);
  assert.throws(() => createOptimizer(tf, { kind: "adamw", lr: 0.1 } as never, [w]), /weightDecay/);
  assert.throws(() => createOptimizer(tf, { kind: "rmsprop", lr: 0.1 } as never, [w]), /kind must be/);
  w.dispose();
});

for (const spec of specs) {
  test(`${JSON.stringify(spec)}: members stacked on the leading axis, one rate each, then cut to the first member (fused and op by op)`, async () => {
    const tf = await tfReady();
    for (const fused of ["1", "0"]) {
      const saved = process.env.GENLAB_FUSED_OPTIMIZER;
      process.env.GENLAB_FUSED_OPTIMIZER = fused;
      try {
        // member 0 at the base rate, member 1 at half of it: the rule by hand with scales 1 and 0.5
        const w = tf.variable(tf.tensor2d([...w0, ...w0], [2, 3]));
        const opt = createOptimizer(tf, spec, [w]);
        const twice = (g: number[]) => tf.tensor2d([...g, ...g], [2, 3]);
        const gt1 = twice(g1);
        opt.step([gt1], [spec.lr, 0.5 * spec.lr]);
        gt1.dispose();
        const after1 = Array.from(w.dataSync());
        // member 1 finishes: the variable and the optimizer's state keep member 0 only
        const w1 = tf.variable(tf.slice(w, [0, 0], [1, 3]));
        opt.keepLeading([w1]);
        const gt2 = tf.tensor2d(g2, [1, 3]);
        opt.step([gt2], [spec.lr]);
        gt2.dispose();
        const got = Array.from(w1.dataSync()), want = byHand(spec, 1);
        got.forEach((x, i) => assert.ok(Math.abs(x - want[i]) < 1e-6, `fused=${fused}: member 0 w[${i}] = ${x}, by hand ${want[i]}`));
        // member 1 after its one step at half the rate: the first step of the rule with scale 0.5
        const half = byHandOneStep(spec, 0.5);
        after1.slice(3).forEach((x, i) => assert.ok(Math.abs(x - half[i]) < 1e-6, `fused=${fused}: member 1 w[${i}] = ${x}, by hand ${half[i]}`));
        assert.throws(() => opt.step([tf.ones([1, 3])], [spec.lr, spec.lr]), /2 per-member rates/);
        opt.dispose();
        w.dispose();
        w1.dispose();
      } finally {
        if (saved === undefined) delete process.env.GENLAB_FUSED_OPTIMIZER; else process.env.GENLAB_FUSED_OPTIMIZER = saved;
      }
    }
  });
}

/** The first step of the rule alone (byHand's loop stopped after g1). */
function byHandOneStep(spec: OptimizerSpec, scale: number): number[] {
  const w = w0.slice();
  for (let i = 0; i < 3; i++) {
    const rate = spec.lr * scale, wd = spec.weightDecay ?? 0;
    if (spec.kind === "sgd") w[i] -= rate * (g1[i] + wd * w0[i]) * (spec.nesterov ? 1 + (spec.momentum ?? 0) : 1);
    else {
      const eps = spec.eps ?? 1e-8;
      const g = spec.kind === "adamw" ? g1[i] : g1[i] + wd * w0[i];
      const base = spec.kind === "adamw" ? w0[i] * (1 - rate * wd) : w0[i];
      // after one step m_hat = g and v_hat = g^2
      w[i] = base - rate * g / (Math.abs(g) + eps);
    }
  }
  return w;
}
