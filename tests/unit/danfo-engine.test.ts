import { test } from "node:test";
import assert from "node:assert/strict";
import { tfReady } from "../../src/tf";
import { danfojs, table } from "../../src/show";

test("danfojs shares the lab's TensorFlow.js engine (one backend, no second tfjs-core)", async () => {
  const tf = await tfReady();
  danfojs();
  // danfojs-node requires "@tensorflow/tfjs-node", overridden to plain tfjs; it must resolve to the
  // same tfjs-core module instance as the lab's, or tensors would live in two engines.
  const danfoTfPath = require.resolve("@tensorflow/tfjs-core", { paths: [require.resolve("danfojs-node")] });
  const labTfPath = require.resolve("@tensorflow/tfjs-core");
  assert.equal(danfoTfPath, labTfPath);
  const df = table([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  assert.deepEqual(df.shape, [2, 2]);
  assert.equal(tf.getBackend(), (await import("../../src/tf")).tf.getBackend());
});
