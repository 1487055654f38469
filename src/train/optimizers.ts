/**
 * Optimizers, written out in TensorFlow.js ops (rather than tf.train's) for two reasons: every
 * parameter can have its own learning-rate multiplier (muP needs one per layer, and for Adam a
 * multiplier on the gradient would cancel), and each update rule is short enough to read and to
 * test against a step computed by hand.
 *
 *   SGD:   g <- g + wd w (L2);  b <- mu b + g;  w <- w - lr s (nesterov ? g + mu b : b)     (PyTorch's convention)
 *   Adam:  g <- g + wd w (L2);  m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
 *          w <- w - lr s m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
 *   AdamW: w <- w (1 - lr s wd), then the Adam step without L2 (decoupled decay, Loshchilov & Hutter).
 * `s` is the parameter's learning-rate scale (1 except under muP, see spec.ts).
 *
 * Speed: written as TensorFlow.js ops, Adam costs about a dozen element-wise kernels per parameter
 * tensor per step. On the wasm backend with the native addon built, each update is instead one call
 * (native/genlab_linalg.c: `adam`, `sgd`) that reads the weights and gradient in WebAssembly memory
 * and writes the new weights into a fresh buffer that the variable then takes (never in place: the
 * backend's XNNPACK products cache packed copies of their weights by buffer), with the optimizer's
 * state in plain Float32Arrays; same rule, same float32 arithmetic. `GENLAB_FUSED_OPTIMIZER=0` keeps
 * the op-by-op path (the reference the unit tests compare with).
 */
import type * as tfjs from "@tensorflow/tfjs";
import { nativeAddon } from "../linalg/backend";

/** SGD (with momentum, weight decay) or Adam, with its learning rate and settings. */
export type OptimizerSpec =
  | { kind: "sgd"; lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { kind: "adam"; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
  | { kind: "adamw"; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay: number };

/** Which learning-rate scale of a layer applies (see LrScale in spec.ts). */
export function optimizerFamily(spec: OptimizerSpec): "sgd" | "adam" {
  return spec.kind === "sgd" ? "sgd" : "adam";
}

/** An optimiser bound to a network's parameters: it applies updates and counts them. */
export interface Optimizer {
  readonly spec: OptimizerSpec;
  /** Updates done so far. */
  readonly steps: number;
  /**
   * One update of every variable with its gradient (same order), at base learning rate `lr`. For
   * independent networks stacked along the variables' leading axis (the batched trainer), `lr` may
   * be one rate per member: lr[s] applies to block s of that axis of every variable.
   */
  step(grads: tfjs.Tensor[], lr: number | ArrayLike<number>): void;
  /**
   * Continue with shorter variables that hold a leading part of the old ones (the first members of a
   * stack, when the others have finished): the state is cut to the same leading part. The old
   * variables are the caller's to dispose.
   */
  keepLeading(variables: tfjs.Variable[]): void;
  /** Free the optimizer's state. */
  dispose(): void;
}

function inRange(v: number | undefined, lo: number, hi: number, what: string, closedHi = false): void {
  if (v === undefined) return;
  if (!(typeof v === "number" && v >= lo && (closedHi ? v <= hi : v < hi))) throw new RangeError(`optimizer: ${what} must be in [${lo}, ${hi}${closedHi ? "]" : ")"}, got ${v}`);
}

/** Check an optimizer spec; every mistake is an error naming the field. */
export function validateOptimizer(spec: OptimizerSpec): void {
  if (!spec || !["sgd", "adam", "adamw"].includes((spec as { kind: string }).kind)) {
    throw new RangeError(`optimizer: kind must be "sgd", "adam" or "adamw"; got ${JSON.stringify((spec as { kind?: string })?.kind)}`);
  }
  if (!(spec.lr > 0) || !Number.isFinite(spec.lr)) throw new RangeError(`optimizer: lr must be a positive number, got ${spec.lr}`);
  inRange(spec.weightDecay, 0, Infinity, "weightDecay");
  if (spec.kind === "sgd") inRange(spec.momentum, 0, 1, "momentum");
  else {
    inRange(spec.beta1, 0, 1, "beta1");
    inRange(spec.beta2, 0, 1, "beta2");
    if (spec.eps !== undefined && !(spec.eps > 0)) throw new RangeError(`optimizer: eps must be positive, got ${spec.eps}`);
    if (spec.kind === "adamw" && spec.weightDecay === undefined) throw new RangeError("optimizer: adamw needs weightDecay (e.g. 0.01)");
  }
}

interface WasmHeap {
  typedArrayFromHeap(t: tfjs.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: "float32"): tfjs.TensorInfo;
}
interface FusedKernels {
  heap: WasmHeap;
  adam(out: Float32Array, w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, rate: number, b1: number, b2: number, eps: number, c1: number, c2: number, l2: number, decay: number): void;
  sgd(out: Float32Array, w: Float32Array, g: Float32Array, buf: Float32Array | null, rate: number, mu: number, nesterov: boolean, l2: number, first: boolean): void;
}

/** The in-place update kernels, when the backend is wasm and the native addon has them; else null. */
function fusedKernels(tf: typeof tfjs): FusedKernels | null {
  if (process.env.GENLAB_FUSED_OPTIMIZER === "0" || tf.getBackend() !== "wasm") return null;
  const mod = nativeAddon().mod as unknown as Partial<FusedKernels> | null;
  const heap = tf.backend() as unknown as Partial<WasmHeap>;
  if (!mod || typeof mod.adam !== "function" || typeof mod.sgd !== "function") return null;
  if (typeof heap.typedArrayFromHeap !== "function" || typeof heap.makeOutput !== "function") return null;
  return { heap: heap as WasmHeap, adam: mod.adam.bind(mod), sgd: mod.sgd.bind(mod) };
}

/** Whether `createOptimizer` will update variables in place with the native kernels (see the note at the top). */
export function fusedOptimizerAvailable(tf: typeof tfjs): boolean {
  return fusedKernels(tf) !== null;
}

/**
 * An optimizer for `variables`, each with its learning-rate scale (`scales[i]`, default 1).
 */
export function createOptimizer(tf: typeof tfjs, spec: OptimizerSpec, variables: tfjs.Variable[], scales?: number[]): Optimizer {
  validateOptimizer(spec);
  const s = scales ?? variables.map(() => 1);
  if (s.length !== variables.length) throw new RangeError(`optimizer: ${variables.length} variables but ${s.length} learning-rate scales`);
  const fused = variables.every((v) => v.dtype === "float32") ? fusedKernels(tf) : null;
  return fused ? fusedOptimizer(tf, fused, spec, variables, s) : opsOptimizer(tf, spec, variables, s);
}

/** Checks a per-member rate list against the variables' leading axis; returns the number of members. */
function memberCount(lr: ArrayLike<number>, variables: tfjs.Variable[]): number {
  const S = lr.length;
  for (const v of variables) {
    if (v.rank < 1 || v.shape[0] !== S) throw new RangeError(`optimizer.step: ${S} per-member rates, but a variable has shape [${v.shape.join(", ")}]`);
  }
  return S;
}

/** Checks that each new variable is a leading part of the old one; returns the kept sizes. */
function leadingSizes(old: tfjs.Variable[], next: tfjs.Variable[]): number[] {
  if (next.length !== old.length) throw new RangeError(`optimizer.keepLeading: ${next.length} variables for ${old.length}`);
  return next.map((v, i) => {
    if (v.size > old[i].size || v.shape.slice(1).join() !== old[i].shape.slice(1).join()) throw new RangeError(`optimizer.keepLeading: shape [${v.shape.join(", ")}] is not a leading part of [${old[i].shape.join(", ")}]`);
    return v.size;
  });
}

/** The rules as TensorFlow.js ops (any backend), state in non-trainable variables. */
function opsOptimizer(tf: typeof tfjs, spec: OptimizerSpec, vars: tfjs.Variable[], s: number[]): Optimizer {
  let variables = vars;
  const zerosLike = (v: tfjs.Variable): tfjs.Variable => tf.tidy(() => tf.variable(tf.zerosLike(v), false));
  const state1: tfjs.Variable[] = [], state2: tfjs.Variable[] = [];
  const wd = spec.weightDecay ?? 0;
  let t = 0;
  if (spec.kind === "sgd") {
    const mu = spec.momentum ?? 0;
    if (mu > 0) variables.forEach((v) => state1.push(zerosLike(v)));
  } else {
    variables.forEach((v) => { state1.push(zerosLike(v)); state2.push(zerosLike(v)); });
  }
  const step = (grads: tfjs.Tensor[], lr: number | ArrayLike<number>): void => {
    if (grads.length !== variables.length) throw new RangeError(`optimizer.step: ${grads.length} gradients for ${variables.length} variables`);
    const S = typeof lr === "number" ? 0 : memberCount(lr, variables);
    t += 1;
    tf.tidy(() => {
      variables.forEach((w, i) => {
        let g = grads[i];
        // one number, or one rate per member broadcast along the leading axis
        const rate: number | tfjs.Tensor = typeof lr === "number" ? lr * s[i]
          : tf.tensor(Float32Array.from(lr, (r) => r * s[i]), [S, ...w.shape.slice(1).map(() => 1)]);
        if (spec.kind === "sgd") {
          if (wd > 0) g = tf.add(g, tf.mul(wd, w));
          const mu = spec.momentum ?? 0;
          let d = g;
          if (mu > 0) {
            const buf = state1[i];
            const next = t === 1 ? g : tf.add(tf.mul(mu, buf), g);
            buf.assign(next);
            d = spec.nesterov ? tf.add(g, tf.mul(mu, next)) : next;
          }
          w.assign(tf.sub(w, tf.mul(rate, d)));
          return;
        }
        const b1 = spec.beta1 ?? 0.9, b2 = spec.beta2 ?? 0.999, eps = spec.eps ?? 1e-8;
        let base: tfjs.Tensor = w;
        if (spec.kind === "adamw") base = tf.mul(w, typeof rate === "number" ? 1 - rate * wd : tf.sub(1, tf.mul(rate, wd)));
        else if (wd > 0) g = tf.add(g, tf.mul(wd, w));
        const m = tf.add(tf.mul(b1, state1[i]), tf.mul(1 - b1, g));
        const v = tf.add(tf.mul(b2, state2[i]), tf.mul(1 - b2, tf.square(g)));
        state1[i].assign(m);
        state2[i].assign(v);
        const mHat = tf.div(m, 1 - b1 ** t), vHat = tf.div(v, 1 - b2 ** t);
        w.assign(tf.sub(base, tf.mul(rate, tf.div(mHat, tf.add(tf.sqrt(vHat), eps)))));
      });
    });
  };
  const keepLeading = (next: tfjs.Variable[]): void => {
    const sizes = leadingSizes(variables, next);
    for (const state of [state1, state2]) {
      state.forEach((v, i) => {
        const cut = tf.tidy(() => tf.variable(tf.reshape(tf.slice(tf.reshape(v, [-1]), [0], [sizes[i]]), next[i].shape), false));
        v.dispose();
        state[i] = cut;
      });
    }
    variables = next;
  };
  return {
    spec,
    get steps() { return t; },
    step,
    keepLeading,
    dispose() { for (const v of [...state1, ...state2]) v.dispose(); },
  };
}

/** The same rules as one native call per variable, over WebAssembly memory (see the note at the top). */
function fusedOptimizer(tf: typeof tfjs, k: FusedKernels, spec: OptimizerSpec, vars: tfjs.Variable[], s: number[]): Optimizer {
  let variables = vars;
  const wd = spec.weightDecay ?? 0;
  const mu = spec.kind === "sgd" ? spec.momentum ?? 0 : 0;
  const state1 = variables.map((v) => (spec.kind !== "sgd" || mu > 0 ? new Float32Array(v.size) : null));
  const state2 = variables.map((v) => (spec.kind !== "sgd" ? new Float32Array(v.size) : null));
  let t = 0;
  let disposed = false;
  const step = (grads: tfjs.Tensor[], lr: number | ArrayLike<number>): void => {
    if (disposed) throw new Error("optimizer: this optimizer was disposed");
    if (grads.length !== variables.length) throw new RangeError(`optimizer.step: ${grads.length} gradients for ${variables.length} variables`);
    const rates = typeof lr === "number" ? [lr] : Array.from(lr);
    if (typeof lr !== "number") memberCount(lr, variables);
    t += 1;
    variables.forEach((w, i) => {
      const gt = grads[i];
      if (gt.size !== w.size) throw new RangeError(`optimizer.step: gradient ${i} has ${gt.size} values, the variable has ${w.size}`);
      const gCopy = gt.dtype === "float32" ? null : Float32Array.from(gt.dataSync());
      // the new weights' buffer first: an allocation can grow (and detach) WebAssembly memory, so views come after it
      const outInfo = k.heap.makeOutput(w.shape, "float32");
      const next = tf.engine().makeTensorFromTensorInfo(outInfo);
      const out = k.heap.typedArrayFromHeap(outInfo), cur = k.heap.typedArrayFromHeap(w), g = gCopy ?? k.heap.typedArrayFromHeap(gt);
      // one call per member (its block of the leading axis, contiguous), each at its own rate
      const block = w.size / rates.length;
      rates.forEach((r, m) => {
        const lo = m * block, hi = lo + block;
        const part = (a: Float32Array | null): Float32Array | null => (a && rates.length > 1 ? a.subarray(lo, hi) : a);
        const rate = r * s[i];
        if (spec.kind === "sgd") {
          k.sgd(part(out) as Float32Array, part(cur) as Float32Array, part(g) as Float32Array, part(state1[i]), rate, mu, !!spec.nesterov, wd, t === 1);
        } else {
          const b1 = spec.beta1 ?? 0.9, b2 = spec.beta2 ?? 0.999, eps = spec.eps ?? 1e-8;
          const adamw = spec.kind === "adamw";
          k.adam(part(out) as Float32Array, part(cur) as Float32Array, part(g) as Float32Array, part(state1[i]) as Float32Array, part(state2[i]) as Float32Array,
            rate, b1, b2, eps, 1 - b1 ** t, 1 - b2 ** t, adamw ? 0 : wd, adamw ? 1 - rate * wd : 1);
        }
      });
      w.assign(next);
      next.dispose();
    });
  };
  const keepLeading = (next: tfjs.Variable[]): void => {
    const sizes = leadingSizes(variables, next);
    for (const state of [state1, state2]) state.forEach((a, i) => { if (a) state[i] = a.slice(0, sizes[i]); });
    variables = next;
  };
  return {
    spec,
    get steps() { return t; },
    step,
    keepLeading,
    dispose() { disposed = true; },
  };
}
