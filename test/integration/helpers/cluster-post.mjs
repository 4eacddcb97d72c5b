// POSTs a JSON file to a DebVisor join API from inside a namespace; prints {status, body}.
// usage: cluster-post.mjs URL BODY.json CA.pem [CERT.pem KEY.pem]  (the client certificate makes it an mTLS call)
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

const [url, bodyFile, caFile, certFile, keyFile] = process.argv.slice(2);
const body = readFileSync(bodyFile);
const req = request(
  url,
  {
    method: 'POST',
    ca: readFileSync(caFile),
    ...(certFile ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : {}),
    // The tests reach members by address; the chain to the pinned CA is what counts here.
    checkServerIdentity: () => undefined,
    timeout: 10_000,
    headers: { 'content-type': 'application/json', 'content-length': body.length },
  },
  (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = { text };
      }
      process.stdout.write(JSON.stringify({ status: res.statusCode, body: parsed }));
    });
  },
);
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (e) => process.stdout.write(JSON.stringify({ status: 0, error: e.code ?? e.message })));
req.end(body);
