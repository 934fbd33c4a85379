// The page `netloom serve` shows while renderer/dist has not been built: proof that the shell works
// (it connects with the token, asks `engine/info` and shows it). Plain JS speaking the JSON text form of
// the protocol, served as a separate file because the CSP forbids inline scripts.

export const STATUS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Netloom engine</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
code{background:#eef1f4;padding:.1em .3em;border-radius:3px}
#status{padding:.8rem 1rem;border-radius:6px;background:#eef1f4}
.ok{border-left:4px solid #2da44e}.err{border-left:4px solid #cf222e}
</style></head>
<body>
<h1>Netloom</h1>
<p>The engine is running. The user interface has not been built yet
(<code>npm run build:renderer</code> writes <code>renderer/dist</code>); this page shows the engine's status.</p>
<div id="status" aria-live="polite">Connecting to the engine…</div>
<script src="/__netloom/status.js"></script>
</body></html>
`;

export const STATUS_JS = `'use strict';
(function () {
  var box = document.getElementById('status');
  function show(cls, testid, text) {
    box.className = cls;
    box.setAttribute('data-testid', testid);
    box.textContent = text;
  }
  var token = new URLSearchParams(location.search).get('token');
  if (!token) return show('err', 'engine-error', 'This address has no ?token=… — open the URL that netloom serve printed.');
  var answered = false;
  var ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/engine?token=' + encodeURIComponent(token));
  ws.onopen = function () {
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'engine/info', params: {} }));
  };
  ws.onmessage = function (e) {
    if (typeof e.data !== 'string') return;
    var m = JSON.parse(e.data);
    if (m.t === 'result' && m.id === 1) {
      answered = true;
      var r = m.result;
      show('ok', 'engine-info', 'Engine backend: ' + r.backend + ' · node ' + r.versions.node + ' · protocol ' + r.protocol +
        ' · ' + Math.round(r.memory.rss / 1048576) + ' MiB');
      box.setAttribute('data-backend', r.backend);
    } else if (m.t === 'error' && m.id === 1) {
      answered = true;
      show('err', 'engine-error', 'The engine answered with an error: ' + m.error.code + ': ' + m.error.message);
    } else if (m.t === 'event' && m.event === 'engine/crashed') {
      show('err', 'engine-error', 'The engine process crashed and was restarted (' + m.payload.message + '). Reload to reconnect.');
    }
  };
  ws.onclose = function () {
    if (answered) return;
    // The browser hides the handshake's status code; ask the server whether the token was the reason.
    fetch('/__netloom/token-check?token=' + encodeURIComponent(token)).then(function (r) {
      show('err', 'engine-error', r.status === 401
        ? 'The engine refused the token in this address (HTTP 401). Open the URL that netloom serve printed.'
        : 'Could not connect to the engine (the connection closed).');
    }, function () {
      show('err', 'engine-error', 'Could not reach the netloom server. Is it still running?');
    });
  };
})();
`;
