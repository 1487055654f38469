#!/usr/bin/env node
/*
 * One training step of the lab, looked at two ways: the TensorFlow.js kernels it runs (tf.profile) and
 * its time over many steps. Run it from two checkouts to compare training cores (e.g. before and after a
 * refactor): the same kernel list and overlapping times say the step did not change, where `npm run
 * bench`'s single medians scatter between two timing modes about 30% apart on this kind of machine.
 *   node scripts/step-kernels.js [CHECKOUT] [inputDim] [hidden as JSON] [sgd|adam] [steps]
 *   node scripts/step-kernels.js ../old 32 "[256, 256]" sgd 2000     # the bench's small SGD step
 *   node scripts/step-kernels.js . 512 "[512, 512]" adam 2000        # the bench's MLP step
 * CHECKOUT defaults to this project; it must be built (dist/src/ or, before the tools moved, dist/).
 */
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(process.argv[2] || path.join(__dirname, ".."));
const inputDim = Number(process.argv[3] || 32);
const hidden = JSON.parse(process.argv[4] || "[256, 256]");
const kind = process.argv[5] === "adam" ? "adam" : "sgd";
const steps = Number(process.argv[6] || 2000);
const lib = require(path.join(root, "dist", fs.existsSync(path.join(root, "dist", "src")) ? "src" : "", "index.js"));

(async () => {
  const tf = await lib.tfReady();
  const net = await lib.train.network({ inputDim, hidden, outputDim: 1 }, { rng: new lib.Rng(1) });
  const x = tf.randomNormal([256, inputDim]), y = tf.randomNormal([256, 1]);
  const lr = kind === "adam" ? 1e-3 : 0.01;
  const st = lib.train.trainingStep(net, x, y, { optimizer: { kind, lr }, loss: "mse" });
  for (let i = 0; i < 5; i++) st.step(lr); // warm-up: compile and allocate
  const prof = await tf.profile(() => { st.step(lr); });
  const counts = {};
  for (const k of prof.kernels) counts[k.name] = (counts[k.name] || 0) + 1;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) st.step(lr);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / steps;
  console.log(JSON.stringify({ checkout: root, step: `${inputDim}-${hidden.join("-")}-1, batch 256, ${kind}`, kernels: prof.kernels.length, byKind: counts, msPerStep: Number(ms.toFixed(4)) }));
  st.dispose(); net.dispose();
})().catch((e) => { console.error(`step-kernels: ${e.message}`); process.exit(1); });
