// Loads the npki WebAssembly module (internal/web/wasm: the Go npki package and the
// copy relay's cryptography) once, and wraps its functions so that an {error} answer
// throws. Only pages that handle keys import this module.

let loading = null;

export class NpkiError extends Error {
  constructor(r) {
    super(r.message || r.error);
    this.npki = r.error;
  }
}

async function load() {
  const body = document.body.dataset;
  await import(body.wasmExec); // sets globalThis.Go
  const go = new globalThis.Go();
  const ready = new Promise((resolve) => { globalThis.npkiReady = resolve; });
  const res = await fetch(body.wasm);
  const { instance } = await WebAssembly.instantiateStreaming(res, go.importObject);
  go.run(instance);
  await ready;
  const api = {};
  for (const [name, fn] of Object.entries(globalThis.npki)) {
    api[name] = (...args) => {
      const r = fn(...args);
      if (r && r.error) throw new NpkiError(r);
      return r;
    };
  }
  return api;
}

export function npki() {
  if (!loading) loading = load();
  return loading;
}
