// The browser certificate store (브라우저 인증서): IndexedDB, per origin. Each record
// keeps signCert.der and signPri.key exactly as Korean software writes them (the key
// file encrypted under the user's password), and what the pages show of them.

const DB = 'certcenter', STORE = 'certs';

function open() {
  return new Promise((resolve, reject) => {
    const rq = indexedDB.open(DB, 1);
    rq.onupgradeneeded = () => rq.result.createObjectStore(STORE, { keyPath: 'id' });
    rq.onsuccess = () => resolve(rq.result);
    rq.onerror = () => reject(rq.error);
  });
}

function tx(mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const out = fn(t.objectStore(STORE));
    t.oncomplete = () => { db.close(); resolve(out && out.result !== undefined ? out.result : undefined); };
    t.onerror = () => { db.close(); reject(t.error); };
  }));
}

export const idOf = (info) => `${info.ca}/${info.serial}`;

export function all() {
  return tx('readonly', (s) => s.getAll()).then((list) => (list || []).sort((a, b) => b.savedAt - a.savedAt));
}

export function get(id) {
  return tx('readonly', (s) => s.get(id));
}

// put stores a certificate; info is npki.certInfo of cert.
export function put(cert, keyFile, info) {
  const rec = { id: idOf(info), cert, keyFile, info, savedAt: Date.now() };
  return tx('readwrite', (s) => s.put(rec)).then(() => rec);
}

export function remove(id) {
  return tx('readwrite', (s) => s.delete(id));
}
