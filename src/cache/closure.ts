/**
 * The values a function has captured from the functions around it (its closure): `const f =
 * makeScale(2)` gives a function whose source is the same for every scale, so the captured `k = 2`
 * must be part of a cache key too. JavaScript offers no way to read a closure; V8's inspector does
 * (the `[[Scopes]]` internal property, as a debugger shows it), through Node's built-in `inspector`
 * module, whose in-process session answers synchronously.
 */
import type * as Inspector from "inspector";

/** One captured variable: its name and its value. */
export interface Captured { name: string; value: unknown }

// The inspector hands out objects by id; a function moves them to and from this slot.
const SLOT = "__genlabClosureProbe";

let session: Inspector.Session | null | undefined;
function inspectorSession(): Inspector.Session | null {
  if (session === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const inspector = require("inspector") as typeof Inspector;
      session = new inspector.Session();
      session.connect();
    } catch {
      session = null;
    }
  }
  return session;
}

function post<T>(s: Inspector.Session, method: string, params: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  s.post(method, params, (e: Error | null, r?: object) => { error = e; result = r as T | undefined; });
  if (error) throw error;
  if (result === undefined) throw new Error(`inspector ${method} did not answer synchronously`);
  return result;
}

interface RemoteObject { type: string; subtype?: string; value?: unknown; unserializableValue?: string; objectId?: string; description?: string }
interface PropertyDescriptor { name: string; value?: RemoteObject }

/** The JavaScript value of a remote object of this process. */
function valueOf(s: Inspector.Session, r: RemoteObject): unknown {
  if (r.objectId) {
    const g = globalThis as Record<string, unknown>;
    post(s, "Runtime.callFunctionOn", { objectId: r.objectId, functionDeclaration: `function () { globalThis.${SLOT} = this; }` });
    const v = g[SLOT];
    delete g[SLOT];
    return v;
  }
  if (r.type === "undefined") return undefined;
  if (r.unserializableValue !== undefined) {
    const u = r.unserializableValue;
    if (u.endsWith("n")) return BigInt(u.slice(0, -1));
    return u === "-0" ? -0 : Number(u);
  }
  return r.value;
}

/**
 * The variables `fn` captured from the functions that enclose it, innermost scope first. A
 * module's top level and the global and script scopes are not read: a module's own names are
 * keyed by its file, a notebook's by name, and a module's imports live there. Null when the inspector is unavailable (a Node built
 * without it); the caller must then treat closures as unknown.
 */
export function capturedVariables(fn: (...args: never[]) => unknown): Captured[] | null {
  const s = inspectorSession();
  if (!s) return null;
  const g = globalThis as Record<string, unknown>;
  g[SLOT] = fn;
  let fnId: string | undefined;
  try {
    fnId = post<{ result: RemoteObject }>(s, "Runtime.evaluate", { expression: `globalThis.${SLOT}`, objectGroup: SLOT }).result.objectId;
  } finally {
    delete g[SLOT];
  }
  if (!fnId) return [];
  try {
    const props = post<{ internalProperties?: PropertyDescriptor[] }>(s, "Runtime.getProperties", { objectId: fnId, ownProperties: true });
    const scopesId = props.internalProperties?.find((p) => p.name === "[[Scopes]]")?.value?.objectId;
    if (!scopesId) return [];
    const list = post<{ result: PropertyDescriptor[] }>(s, "Runtime.getProperties", { objectId: scopesId, ownProperties: true }).result;
    const out: Captured[] = [];
    // Innermost first. A CommonJS module's top level is the scope of its anonymous wrapper
    // function, always the outermost closure ("Closure", no name): module-level names are the
    // module's own (keyed by its file) and hold everything it imports, so it is not read. A
    // notebook's top-level names are properties of tslab's `exports`, keyed by name; the
    // functions a cell declares have named scopes ("Closure (makeScale)") and are read.
    const scopes = list.filter((sc) => sc.value?.objectId && /^(Closure|Block|Catch|With|Local)\b/.test(sc.value.description ?? ""));
    const last = scopes[scopes.length - 1];
    if (last && last.value?.description === "Closure") scopes.pop();
    for (const scope of scopes) {
      if (!scope.value?.objectId) continue;
      const vars = post<{ result: PropertyDescriptor[] }>(s, "Runtime.getProperties", { objectId: scope.value.objectId, ownProperties: true }).result;
      for (const v of vars) if (v.value) out.push({ name: v.name, value: valueOf(s, v.value) });
    }
    return out;
  } finally {
    post(s, "Runtime.releaseObjectGroup", { objectGroup: SLOT });
  }
}
