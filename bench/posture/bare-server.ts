// S6's bound: a bare `ws` server over TLS that speaks the posture exchange as the gateway does on the
// wire and does nothing else: `update` for `version`, an authorized `auth_state` and the `ztna`
// request for `authorize`, and for each report one `posture_state` of the size the gateway sends
// (nine checks). No store, no evaluation, no sessions. Arguments: the key and certificate files.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';

const [keyFile, certFile] = process.argv.slice(2);
if (keyFile === undefined || certFile === undefined) throw new Error('usage: bare-server.ts KEY CERT');

const update = JSON.stringify({ type: 'update', need_update: false, download_url: null });
const authorized = JSON.stringify({
  type: 'auth_state',
  authorized: true,
  need_tunnel: false,
  timeout: 0,
  message: '',
  welcome_url: '',
});
const request = JSON.stringify({
  type: 'ztna',
  period: 60,
  test_list: [
    'os_type',
    'os_version',
    'kb_list',
    'av_active',
    'av_name',
    'av_update',
    'fw_active',
    'fw_name',
  ],
  kb_list: ['KB5034441'],
  proc_list: ['osqueryd'],
  service_list: [],
  reg_key_list: [],
});
const check = (object: string, criterion: string, why: string) => ({ object, criterion, passed: true, why });
const state = JSON.stringify({
  type: 'posture_state',
  profiles: ['Compliant', 'Protected'],
  limited: false,
  message: 'Full access (device posture profile: Compliant, Protected)',
  checks: [
    check('Antivirus', 'av_active', 'Windows Defender is running'),
    check('Antivirus', 'av_name', 'the antivirus is Windows Defender'),
    check('Antivirus', 'av_update', 'the signatures of Windows Defender are 2 days old; at most 7 allowed'),
    check('Firewall', 'fw_active', 'Windows Firewall is on'),
    check('Firewall', 'fw_name', 'the firewall is Windows Firewall'),
    check('System', 'os_type', 'the operating system is Windows'),
    check('System', 'os_version', 'the operating system version is 10.0.19045.3803, at least 10.0.19045'),
    check('System', 'kb_list', 'KB5034441 is installed'),
    check('System', 'processes', 'osqueryd is running'),
  ],
});

const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) });
const sockets = new WebSocketServer({ server, path: '/connect', perMessageDeflate: false });
sockets.on('connection', (socket) => {
  socket.on('error', () => undefined);
  socket.on('message', (data) => {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString()
      : Buffer.from(data as Buffer).toString();
    const message = JSON.parse(text) as { type?: unknown };
    if (message.type === 'ztna') socket.send(state);
    else if (message.type === 'version') socket.send(update);
    else if (message.type === 'authorize') {
      socket.send(authorized);
      socket.send(request);
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.send?.({ port: address.port });
});
// Exit on SIGTERM as the gateway does (so that `--cpu-prof` writes its profile).
process.on('SIGTERM', () => process.exit(0));
