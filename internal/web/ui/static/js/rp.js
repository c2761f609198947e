// The demo relying party's page: what an outside site writes to use the financial
// certificate SDK. Its server creates each sign request with the institution's API key
// and verifies what comes back; this page only passes ids and results along.
const M = JSON.parse(document.getElementById('messages').textContent);
const t = (k, v = {}) => Object.entries(v).reduce((s, [a, b]) => s.replaceAll('{' + a + '}', b), M[k] || k);
const $ = (id) => document.getElementById(id);
const out = (text, bad = false) => { $('rp-result').textContent = text; $('rp-result').className = bad ? 'bad' : ''; };

async function post(path, body) {
  const res = await fetch('/demo/rp/api/' + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw { code: data.code, message: `${data.title} ${data.hint || ''}` };
  return data;
}

const sdkError = (e) => out(t('rpjs.error', { code: e.code, message: e.message || '' }), true);

FinCert.init({ orgCode: '902', lang: document.documentElement.lang });

$('rp-issue-btn').onclick = async () => {
  try {
    const r = await FinCert.issue({ refNum: $('rp-ref').value.trim(), authCode: $('rp-code').value.trim() });
    out(t('rpjs.issued', { subject: r.subject, serial: r.certSeqNum }));
  } catch (e) { sdkError(e); }
};

async function signAndVerify(kind, extra, done) {
  try {
    const req = await post('sign-request', { kind, ...extra });
    const r = await FinCert.sign({ signRequestId: req.id });
    const verify = req.format === 'CMS'
      ? { signFormat: 'CMS', signedVal: r.signedVals[0] }
      : { signFormat: 'PKCS1', algorithms: req.algorithms, signedVal: r.signedVals[0], content: btoa(String.fromCharCode(...new TextEncoder().encode(req.text))), certificate: r.certificate };
    const v = await post('verify', verify);
    if (!v.valid) throw { code: 'INVALID', message: v.reason || '' };
    $('rp-raw').textContent = JSON.stringify({ request: req, result: r }, null, 1);
    out(done(v, r));
  } catch (e) { sdkError(e); }
}

$('rp-login-btn').onclick = () => signAndVerify('login', {}, (v) => t('rpjs.logged_in', { serial: v.certSeqNum }));
$('rp-transfer-btn').onclick = () => signAndVerify('transfer', { to: $('rp-to').value, amount: Number($('rp-amount').value), format: $('rp-format').value },
  (v) => t('rpjs.transferred', { serial: v.certSeqNum }));
$('rp-info-btn').onclick = async () => {
  try {
    const r = await FinCert.getCertInfo();
    out(t('rpjs.info', { subject: r.subject, until: r.notAfter, status: r.status }));
  } catch (e) { sdkError(e); }
};
$('rp-manage-btn').onclick = async () => {
  try {
    const r = await FinCert.manage();
    out(t('rpjs.info', { subject: r.subject, until: r.notAfter, status: r.status }));
  } catch (e) { sdkError(e); }
};
$('rp-renew-btn').onclick = async () => {
  try {
    const r = await FinCert.renew();
    out(t('rpjs.renewed', { serial: r.certSeqNum, until: String(r.notAfter).slice(0, 10) }));
  } catch (e) { sdkError(e); }
};
$('rp-reset-btn').onclick = async () => {
  try {
    await FinCert.resetPIN({ resetId: $('rp-reset-id').value.trim(), resetCode: $('rp-reset-code').value.trim() });
    out(t('rpjs.reset'));
  } catch (e) { sdkError(e); }
};
