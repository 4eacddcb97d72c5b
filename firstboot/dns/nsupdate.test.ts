import { describe, expect, it } from 'vitest';
import { renderKeygen } from './keygen.js';
import { classifyUpdateFailure, parseKeyFile, renderKeyFile, renderUpdateScript } from './nsupdate.js';

const key = { name: 'node1.example.com', algorithm: 'hmac-sha256', secret: 'DFh99qzjtiolv4mqI2F5FONS2y75yEIqsMt3FZE+Wfs=' };

describe('nsupdate input', () => {
  it('the key file round-trips and names the key with its final dot', () => {
    const text = renderKeyFile(key);
    expect(text).toBe('key "node1.example.com." {\n\talgorithm hmac-sha256;\n\tsecret "DFh99qzjtiolv4mqI2F5FONS2y75yEIqsMt3FZE+Wfs=";\n};\n');
    expect(parseKeyFile(text)).toEqual({ ...key, name: 'node1.example.com.' });
  });
  it('the script replaces the RRsets in one message and never holds the secret', () => {
    const s = renderUpdateScript({ server: '10.0.0.53', port: 53, zone: 'example.com' }, [
      { op: 'delete', name: 'node1.example.com', type: 'A' },
      { op: 'add', name: 'node1.example.com', ttl: 300, type: 'A', value: '192.0.2.10' },
      { op: 'add', name: '_acme-challenge.node1.example.com', ttl: 60, type: 'TXT', value: 'abc-DEF_123' },
    ]);
    expect(s).toBe(
      'server 10.0.0.53 53\nzone example.com.\nupdate delete node1.example.com. A\nupdate add node1.example.com. 300 A 192.0.2.10\nupdate add _acme-challenge.node1.example.com. 60 TXT "abc-DEF_123"\nsend\n',
    );
    expect(s).not.toContain(key.secret);
  });
  it('refuses values that would add a line or a command to the script', () => {
    for (const bad of ['a\nsend', 'x y', 'a;b', '"q"'])
      expect(() => renderUpdateScript({ server: '10.0.0.53', port: 53, zone: 'example.com' }, [{ op: 'delete', name: bad, type: 'A' }])).toThrow(/refusing/);
  });
});

describe('what a refused update means', () => {
  it('NOTAUTH(BADKEY) (knot) and REFUSED (BIND): the key may not change the name, final', () => {
    const e = classifyUpdateFailure('update failed: NOTAUTH(BADKEY)', ['other.example.com.'], 'node1.example.com.', 'dns:ns');
    expect(e.message).toBe('the TSIG key node1.example.com may not change other.example.com: the server answered update failed: NOTAUTH(BADKEY)');
    expect(e.retryable).toBe(false);
    expect(classifyUpdateFailure('update failed: REFUSED', ['x.'], 'k.', 'dns:ns').code).toBe('E_DNS_NOT_AUTHORIZED');
  });
  it('BADSIG: a wrong secret, final', () => {
    const e = classifyUpdateFailure('; TSIG error with server: tsig verify failure\nupdate failed: NOTAUTH(BADSIG)', ['n.'], 'k.', 'dns:ns');
    expect(e.code).toBe('E_DNS_BAD_KEY');
    expect(e.retryable).toBe(false);
  });
  it('no answer: retried, with the server as the remote', () => {
    const e = classifyUpdateFailure('; Communication with 10.0.0.53#53 failed: timed out', ['n.'], 'k.', 'dns:10.0.0.53');
    expect(e.retryable).toBe(true);
    expect(e.remote).toBe('dns:10.0.0.53');
  });
});

describe('dns keygen', () => {
  it('restricts the key to the node name and its _acme-challenge name', () => {
    const k = renderKeygen('node1.example.com', 'example.com', key.secret);
    expect(k.knot).toContain('update-owner: key');
    expect(k.knot).toContain('update-owner-match: sub-or-equal');
    expect(k.knot).toContain('update-type: [A, AAAA, TXT]');
    expect(k.bind).toContain('grant node1.example.com. name node1.example.com. A AAAA;');
    expect(k.bind).toContain('grant node1.example.com. name _acme-challenge.node1.example.com. TXT;');
    expect(k.bind).not.toMatch(/subdomain|wildcard|zonesub/);
  });
});

describe('nsupdate missing on the node', () => {
  it('is said as such, not as an unreachable server, and not retried', async () => {
    const { sendUpdate } = await import('./nsupdate.js');
    const { run } = await import('../../core/run.js');
    // The real runner, PATH without the tool: the spawn fails with ENOENT as on a node without bind9-dnsutils.
    const noTools = (argv: string[], o?: Parameters<typeof run>[1]) => run([`/nonexistent/${argv[0]}`, ...argv.slice(1)], o);
    const t = { server: '127.0.0.1', port: 53, zone: 'example.com' };
    await expect(sendUpdate(noTools, '/nonexistent/key', key, t, [{ op: 'delete', name: 'n.example.com', type: 'A' }])).rejects.toMatchObject({
      code: 'E_DNS_TOOL',
      retryable: false,
      message: 'nsupdate is not installed on this node',
    });
  });
});
