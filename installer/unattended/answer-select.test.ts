import { describe, expect, it } from 'vitest';
import { answerCandidates, chooseAnswer } from './answer-select.js';

describe('the answer server picks a profile', () => {
  const facts = {
    nics: [
      { name: 'eno1', mac: '3c:ec:ef:10:20:01', link: true },
      { name: 'eno2', mac: '3c:ec:ef:10:20:02', link: false },
    ],
    dmi: { serial: 'SN-42', uuid: '4C4C4544-AA' },
  };

  it('by DMI UUID (lower case), serial, each MAC in order, then default', () => {
    expect(answerCandidates(facts).map((c) => c.file)).toEqual([
      'uuid-4c4c4544-aa.yaml',
      'serial-SN-42.yaml',
      'mac-3c-ec-ef-10-20-01.yaml',
      'mac-3c-ec-ef-10-20-02.yaml',
      'default.yaml',
    ]);
    expect(chooseAnswer(facts, new Set(['default.yaml', 'mac-3c-ec-ef-10-20-02.yaml']))).toEqual({
      file: 'mac-3c-ec-ef-10-20-02.yaml',
      reason: 'MAC 3c:ec:ef:10:20:02 (eno2)',
    });
    expect(chooseAnswer({}, new Set(['x.yaml']))).toBeUndefined();
  });

  it('never builds a file name from a serial or UUID that could leave the directory', () => {
    const names = answerCandidates({ dmi: { serial: '../../etc/shadow', uuid: 'a/b' } }).map((c) => c.file);
    expect(names).toEqual(['default.yaml']);
  });
});
