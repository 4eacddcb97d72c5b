import { describe, expect, it } from 'vitest';
import { parseListen } from './profile-serve.js';

describe('profile serve --listen', () => {
  it('takes ADDR:PORT and [V6]:PORT', () => {
    expect(parseListen('0.0.0.0:8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListen('[::]:443')).toEqual({ host: '::', port: 443 });
    expect(parseListen('answers.lab:8443')).toEqual({ host: 'answers.lab', port: 8443 });
  });

  it('refuses anything else with an example', () => {
    for (const bad of ['8443', ':::8443', 'h:99999', 'h:']) expect(() => parseListen(bad)).toThrow(/not ADDR:PORT/);
  });
});
