// Reads certificates from files the user picks: the two NPKI files (signCert.der and
// signPri.key), NPKI folders (a folder picker), zips of them, or PKCS#12 (.pfx/.p12,
// re-encrypted into signPri.key under the same password). Returns [{cert, keyFile}].
import { npki } from './npki.js';

const bytes = async (f) => new Uint8Array(await f.arrayBuffer());

export async function readFiles(files, pfxPassword) {
  const lib = await npki();
  const out = [];
  const byDir = new Map();
  for (const f of files) {
    const name = f.name.toLowerCase();
    if (name.endsWith('.pfx') || name.endsWith('.p12')) {
      const p = lib.pfxImport(await bytes(f), pfxPassword || '');
      const keyFile = lib.encryptKeyExisting(p.handle, pfxPassword || '').keyFile;
      lib.dropKey(p.handle);
      out.push({ cert: p.cert, keyFile });
    } else if (name.endsWith('.zip')) {
      for (const c of lib.readZip(await bytes(f)).certs) out.push({ cert: c.cert, keyFile: c.keyFile });
    } else if (name === 'signcert.der' || name === 'signpri.key') {
      const path = f.webkitRelativePath || '';
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
      const e = byDir.get(dir) || {};
      e[name === 'signcert.der' ? 'cert' : 'keyFile'] = await bytes(f);
      byDir.set(dir, e);
    }
  }
  for (const e of byDir.values()) if (e.cert && e.keyFile) out.push(e);
  return out;
}

export const needsPassword = (files) => [...files].some((f) => /\.(pfx|p12)$/i.test(f.name));
