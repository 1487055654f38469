/**
 * The one place that chooses the TensorFlow.js backend, in this order:
 *   1. `tensorflow` from @tensorflow/tfjs-node (native libtensorflow) when it can be loaded;
 *   2. `wasm` (XNNPACK, SIMD) from @tensorflow/tfjs-backend-wasm;
 *   3. `cpu` (pure JS), the last resort.
 * `GENLAB_BACKEND=tensorflow|wasm|cpu` forces one. The tfjs "install tfjs-node" banner is silenced
 * (PROD mode) because the lab reports its own choice through `backendInfo()` and `npm run doctor`.
 *
 * Note: danfojs-node depends on "@tensorflow/tfjs-node", which package.json overrides with plain
 * @tensorflow/tfjs (the real one cannot install without Google storage). So a successful
 * `require("@tensorflow/tfjs-node")` proves nothing: we check that the `tensorflow` backend registered.
 */
import * as tfjs from "@tensorflow/tfjs";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** Why this backend was chosen, in one sentence. */
  reason: string;
  /** What was tried before it and why it was skipped. */
  skipped: string[];
  /** Threads used by the wasm backend (1 when not applicable). */
  threads: number;
  /** tfjs-core version. */
  version: string;
}

export const tf = tfjs;
let info: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

function tryTfjsNode(): string | null {
  try {
    require("@tensorflow/tfjs-node");
  } catch (e) {
    return `@tensorflow/tfjs-node is not installed (${(e as Error).message.split("\n")[0]})`;
  }
  if (!tfjs.findBackendFactory("tensorflow")) {
    return "@tensorflow/tfjs-node resolves to plain @tensorflow/tfjs (the danfojs-node override), not the native build";
  }
  return null;
}

function tryWasm(): string | null {
  try {
    require("@tensorflow/tfjs-backend-wasm");
    return tfjs.findBackendFactory("wasm") ? null : "the wasm backend did not register";
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm failed to load (${(e as Error).message.split("\n")[0]})`;
  }
}

async function choose(): Promise<BackendInfo> {
  tfjs.env().set("PROD", true);
  const forced = process.env.GENLAB_BACKEND as BackendName | undefined;
  if (forced && !["tensorflow", "wasm", "cpu"].includes(forced)) {
    throw new Error(`GENLAB_BACKEND must be tensorflow, wasm or cpu; got '${forced}'`);
  }
  const skipped: string[] = [];
  const order: BackendName[] = forced ? [forced] : ["tensorflow", "wasm", "cpu"];
  for (const name of order) {
    const why = name === "tensorflow" ? tryTfjsNode() : name === "wasm" ? tryWasm() : null;
    if (why) {
      skipped.push(`${name}: ${why}`);
      continue;
    }
    try {
      if (!(await tfjs.setBackend(name))) throw new Error("setBackend returned false");
      await tfjs.ready();
    } catch (e) {
      skipped.push(`${name}: initialisation failed (${(e as Error).message})`);
      continue;
    }
    const reason = forced
      ? `forced by GENLAB_BACKEND=${forced}`
      : name === "tensorflow"
        ? "native @tensorflow/tfjs-node is installed"
        : name === "wasm"
          ? "tfjs-node is not available; wasm (XNNPACK, SIMD) is the fastest backend that installs from npm alone"
          : "neither tfjs-node nor wasm could be loaded";
    return { name, reason, skipped, threads: 1, version: tfjs.version_core };
  }
  throw new Error(`no TensorFlow.js backend could be initialised:\n  ${skipped.join("\n  ")}`);
}

/**
 * Initialise (once) and return TensorFlow.js with the best backend. Call it at the top of a chapter:
 * `const tf = await lab.tfReady();`. Later calls return at once.
 */
export async function tfReady(): Promise<typeof tfjs> {
  await backendInfo();
  return tfjs;
}

/** Which backend is active and why (initialises on first call). */
export async function backendInfo(): Promise<BackendInfo> {
  if (info) return info;
  pending ??= choose().then((i) => (info = i));
  return pending;
}

/** One line describing the active backend, for chapter headers and `npm run doctor`. */
export async function describeBackend(): Promise<string> {
  const i = await backendInfo();
  return `TensorFlow.js ${i.version}, backend '${i.name}': ${i.reason}`;
}
