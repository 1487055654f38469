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
