// 인증서 관리: the browser's certificates with their status from the CA, details,
// export (NPKI zip, PKCS#12), delete, and import.
import * as store from './store.js';
import { api, msg, show, errorText, base, download, dateText, daysLeft, kindText } from './common.js';
import { npki } from './npki.js';
import { readFiles, needsPassword } from './importer.js';
import { renewalWindow } from './picker.js';

const list = document.getElementById('manage-list');
const view = document.getElementById('cert-view');
let current = null;

function badge(status) {
  const cls = { valid: 'ok', suspended: 'warn', revoked: 'bad', replaced: 'muted', expired: 'bad' }[status] || 'muted';
  const s = document.createElement('span');
  s.className = 'badge ' + cls;
  s.dataset.status = status;
  s.textContent = msg('js.status_' + status) !== 'js.status_' + status ? msg('js.status_' + status) : status;
  return s;
}

async function refresh() {
  const recs = await store.all();
  list.textContent = '';
  if (recs.length === 0) {
    const p = document.createElement('p');
    p.id = 'cert-none';
    p.textContent = msg('js.none');
    list.appendChild(p);
    return;
  }
  const table = document.createElement('table');
  table.className = 'list';
  table.id = 'cert-table';
  const head = table.createTHead().insertRow();
  for (const h of ['name', 'institution', 'kind', 'until', 'status', '']) {
    const th = document.createElement('th');
    th.textContent = h ? msg('js.col_' + h) : '';
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const rec of recs) {
    const tr = body.insertRow();
    tr.dataset.serial = rec.info.serial;
    const cells = [rec.info.name, rec.info.institution, kindText(rec.info),
      `${dateText(rec.info.notAfter)} (${msg('js.days_left', { days: daysLeft(rec.info.notAfter) })})`];
    ['name', 'institution', 'kind', 'until'].forEach((k, i) => {
      const td = tr.insertCell();
      td.dataset.label = msg('js.col_' + k);
      td.textContent = cells[i];
    });
    const st = tr.insertCell();
    st.dataset.label = msg('js.col_status');
    st.className = 'status-cell';
    st.textContent = msg('js.status_asking');
    const act = tr.insertCell();
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn secondary';
    b.textContent = msg('js.details');
    b.setAttribute('aria-label', `${msg('js.details')}: ${rec.info.name} ${rec.info.serial.slice(-8)}`);
    b.addEventListener('click', () => details(rec));
    act.appendChild(b);
  }
  list.appendChild(table);
  try {
    const out = await api(base() + 'api/status?serials=' + recs.map((r) => r.info.serial).join(','), undefined, 'GET');
    for (const s of out.statuses) {
      const cell = table.querySelector(`tr[data-serial="${s.serial}"] .status-cell`);
      if (cell) { cell.textContent = ''; cell.appendChild(badge(s.status)); }
    }
  } catch (e) {
    for (const c of table.querySelectorAll('.status-cell')) c.textContent = msg('js.status_unknown');
  }
}

function details(rec) {
  current = rec;
  const dl = document.getElementById('view-details');
  dl.textContent = '';
  const w = renewalWindow(rec.info);
  const rows = [
    ['name', rec.info.name], ['cn', rec.info.cn], ['institution', rec.info.institution], ['kind', `${kindText(rec.info)} (${rec.info.kind})`],
    ['ca', `${rec.info.ca} (${rec.info.issuer})`], ['serial', rec.info.serial],
    ['valid', `${dateText(rec.info.notBefore)} ~ ${dateText(rec.info.notAfter)}`], ['renewal', w.text],
    ['vid', rec.info.hasVID ? msg('js.yes') : msg('js.no')], ['policy', (rec.info.policies || []).join(', ')],
    ['folder', rec.info.folder],
  ];
  for (const [k, v] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = msg('js.col_' + k);
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  view.classList.remove('hidden');
  view.focus();
}

document.getElementById('export-zip').addEventListener('click', async () => {
  const lib = await npki();
  download(lib.npkiZip(current.cert, current.keyFile).zip, `NPKI-${current.info.serial.slice(-8)}.zip`, 'application/zip');
  show('manage-status', msg('js.downloaded'));
});

document.getElementById('export-pfx').addEventListener('click', () => {
  document.getElementById('pfx-password-field').classList.remove('hidden');
  document.getElementById('pfx-password').focus();
});

document.getElementById('export-pfx-go').addEventListener('click', async () => {
  const pw = document.getElementById('pfx-password').value;
  try {
    const lib = await npki();
    const k = lib.openKey(current.keyFile, pw);
    const pfx = lib.pfxExport(k.handle, current.cert, pw).pfx;
    lib.dropKey(k.handle);
    download(pfx, `${current.info.name}-${current.info.serial.slice(-8)}.pfx`, 'application/x-pkcs12');
    document.getElementById('pfx-password').value = '';
    show('manage-status', msg('js.downloaded'));
  } catch (e) {
    show('manage-status', errorText(e), true);
  }
});

// 인증서 검증: the key file opens with the password, its key is the certificate's, R
// gives the certificate's VID (checked by the npki module), and the CA's status.
document.getElementById('verify-cert').addEventListener('click', () => {
  document.getElementById('verify-password-field').classList.remove('hidden');
  document.getElementById('verify-password').focus();
});

document.getElementById('verify-go').addEventListener('click', async () => {
  const pw = document.getElementById('verify-password').value;
  try {
    const lib = await npki();
    const k = lib.openKey(current.keyFile, pw);
    const matches = lib.publicKeyMatches(k.handle, current.cert).matches;
    lib.dropKey(k.handle);
    document.getElementById('verify-password').value = '';
    const out = await api(base() + 'api/status?serials=' + current.info.serial, undefined, 'GET');
    const st = (out.statuses[0] || {}).status || 'unknown';
    const parts = [matches ? msg('js.verify_key_ok') : msg('js.verify_key_bad'), msg('js.verify_status', { status: msg('js.status_' + st) })];
    show('manage-status', parts.join(' '), !matches || st !== 'valid');
  } catch (e) {
    show('manage-status', errorText(e), true);
  }
});

document.getElementById('delete-cert').addEventListener('click', async () => {
  if (!confirm(msg('js.delete_confirm'))) return;
  await store.remove(current.id);
  view.classList.add('hidden');
  show('manage-status', msg('js.deleted'));
  refresh();
});

const filesIn = document.getElementById('import-files'), folderIn = document.getElementById('import-folder');
const pwField = document.getElementById('import-password-field');
filesIn.addEventListener('change', () => pwField.classList.toggle('hidden', !needsPassword(filesIn.files)));

document.getElementById('import-go').addEventListener('click', async () => {
  try {
    const files = [...filesIn.files, ...folderIn.files];
    const found = await readFiles(files, document.getElementById('import-password').value);
    if (found.length === 0) { show('manage-status', msg('js.import_none'), true); return; }
    const lib = await npki();
    for (const c of found) await store.put(c.cert, c.keyFile, lib.certInfo(c.cert));
    document.getElementById('import-password').value = '';
    show('manage-status', msg('js.imported', { n: found.length }));
    refresh();
  } catch (e) {
    show('manage-status', errorText(e), true);
  }
});

refresh();
