// A real OpenID provider for Pathway's tests: oidc-provider on loopback, with its
// development keys and in-memory state (never for anything but tests).
//
//   node provider.mjs REDIRECT_URI...
//
// Prints one line of JSON, {"issuer": "http://127.0.0.1:PORT"}, once it answers. The issuer
// is a small pass-through in front of the provider, which the tests can tell to damage the
// next ID tokens it passes on (GET /__test/tamper/signature, /__test/tamper/off) to show a
// tampered token is refused. Every other request goes to the provider untouched.
import http from 'node:http';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'pathway';
export const CLIENT_SECRET = 'a-test-client-secret-that-is-long-enough-0123456789';
export const TENANT = '3f2a9c1e-0000-4000-8000-00000000a11e';

const redirectUris = process.argv.slice(2);
if (redirectUris.length === 0) {
  console.error('usage: node provider.mjs REDIRECT_URI...');
  process.exit(2);
}

let tamper = 'off';

const front = http.createServer();
await new Promise((resolve) => front.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${front.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub', 'oid', 'tid'], email: ['email', 'email_verified'], profile: ['name'] },
  pkce: { required: () => true },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, oid: `oid-${id}`, tid: TENANT, email: `${id}@example.org`, email_verified: true, name: id };
      },
    };
  },
});

const back = http.createServer(provider.callback());
await new Promise((resolve) => back.listen(0, '127.0.0.1', resolve));
const backPort = back.address().port;

function damaged(body) {
  const tokens = JSON.parse(body);
  if (typeof tokens.id_token === 'string') {
    const [header, payload, signature] = tokens.id_token.split('.');
    const i = Math.floor(signature.length / 2);
    const flipped = signature[i] === 'A' ? 'B' : 'A';
    tokens.id_token = `${header}.${payload}.${signature.slice(0, i)}${flipped}${signature.slice(i + 1)}`;
  }
  return JSON.stringify(tokens);
}

front.on('request', (req, res) => {
  const control = req.url.match(/^\/__test\/tamper\/(signature|off)$/);
  if (control) {
    tamper = control[1];
    res.writeHead(204).end();
    return;
  }
  const upstream = http.request(
    { host: '127.0.0.1', port: backPort, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      if (tamper === 'signature' && req.url.startsWith('/token') && answer.statusCode === 200) {
        const chunks = [];
        answer.on('data', (c) => chunks.push(c));
        answer.on('end', () => {
          const body = damaged(Buffer.concat(chunks).toString('utf8'));
          const headers = { ...answer.headers, 'content-length': Buffer.byteLength(body) };
          res.writeHead(answer.statusCode, headers).end(body);
        });
        return;
      }
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (e) => res.writeHead(502).end(String(e)));
  req.pipe(upstream);
});

console.log(JSON.stringify({ issuer }));
