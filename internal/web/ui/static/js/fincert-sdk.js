/* certcenter financial certificate SDK (금융인증서), for relying institutions' pages.
 *
 *   <script src="https://CA/fincert/v1/sdk.js" integrity="sha384-..." crossorigin="anonymous"></script>
 *   FinCert.init({ orgCode: '902', lang: 'ko' });
 *   const r = await FinCert.sign({ signRequestId });   // created by YOUR server with your API key
 *   // r = { signedVals: [base64...], certSeqNum, rValue?, certificate }
 *
 * The certificate's UI (PIN pad, the text being signed, the device key) runs in an
 * iframe served by certcenter, on certcenter's origin: the PIN never touches this page.
 * Errors reject with { code, message }: 800100 user cancelled, 800200 no financial
 * certificate in this browser, 800300 PIN locked, 800400 certificate expired, revoked
 * or suspended, 800500 sign request invalid, used or expired, 800600 device not
 * registered or disconnected, 800700 renewal not open, 800900 anything else.
 *
 * The shape follows KFTC's FinCert SDK (init, issue, sign, renew, manage, getCertInfo),
 * with one deliberate difference: sign takes a sign request that the institution's
 * server created with its API key (POST /fincert/v1/sign-requests), so that the API key
 * is never in a browser. init's apiKey is accepted and ignored for compatibility.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var ORIGIN = new URL(script.src).origin;
  var state = { orgCode: '', lang: 'ko' };
  var frame = null, overlay = null, ready = null, seq = 0, pending = {};

  function close() {
    if (overlay) overlay.remove();
    overlay = frame = ready = null;
  }

  function open() {
    if (ready) return ready;
    overlay = document.createElement('div');
    overlay.setAttribute('role', 'dialog');
    overlay.setAttribute('aria-modal', 'true');
    overlay.setAttribute('aria-label', state.lang === 'en' ? 'Financial certificate' : '금융인증서');
    var s = overlay.style;
    s.position = 'fixed'; s.inset = '0'; s.background = 'rgba(0,0,0,.45)'; s.zIndex = '2147483647';
    s.display = 'flex'; s.alignItems = 'center'; s.justifyContent = 'center';
    frame = document.createElement('iframe');
    frame.id = 'fincert-frame';
    frame.title = overlay.getAttribute('aria-label');
    frame.src = ORIGIN + '/fincert/v1/frame?lang=' + encodeURIComponent(state.lang);
    var f = frame.style;
    f.border = '0'; f.borderRadius = '12px'; f.background = '#fff'; f.width = 'min(420px, 100vw)'; f.height = 'min(640px, 100vh)';
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
    ready = new Promise(function (resolve) { pending.ready = resolve; });
    return ready;
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== ORIGIN || !e.data || typeof e.data !== 'object') return;
    var m = e.data;
    if (m.type === 'fincert-ready' && pending.ready) { pending.ready(); pending.ready = null; return; }
    if (m.type === 'fincert-result' && pending[m.id]) {
      var p = pending[m.id];
      delete pending[m.id];
      close();
      if (m.ok) p.resolve(m.result); else p.reject(m.error);
    }
  });

  function call(op, args) {
    return open().then(function () {
      var id = ++seq;
      return new Promise(function (resolve, reject) {
        pending[id] = { resolve: resolve, reject: reject };
        frame.contentWindow.postMessage({ type: 'fincert', id: id, op: op, args: args || {}, orgCode: state.orgCode }, ORIGIN);
      });
    });
  }

  window.FinCert = {
    init: function (o) {
      o = o || {};
      state.orgCode = o.orgCode || '';
      state.lang = o.lang === 'en' ? 'en' : 'ko';
      return Promise.resolve({ orgCode: state.orgCode });
    },
    issue: function (o) { return call('issue', { refNum: o && o.refNum, authCode: o && o.authCode }); },
    sign: function (o) {
      if (!o || !o.signRequestId) {
        return Promise.reject({ code: 800500, message: 'signRequestId is required: create the sign request on your server with your API key' });
      }
      return call('sign', { signRequestId: o.signRequestId });
    },
    renew: function () { return call('renew'); },
    manage: function () { return call('manage'); },
    getCertInfo: function () { return call('getCertInfo'); },
  };
})();
