/// <reference types="node" />
import { readFileSync } from 'fs';
import { join } from 'path';

import { requirementsText, snippetFor, toEnvironment } from '../kernel';

const shared = join(
  __dirname,
  '..',
  '..',
  'python_pkg',
  'jupyterlab_openbis_bridge'
);

describe('capture modes', () => {
  it('sends the Python capture module itself, with the mode and the nonce', () => {
    const full = snippetFor('python', 'n1', 'full');
    const module = readFileSync(join(shared, 'environment_capture.py'), 'utf8');
    expect(full).toContain(JSON.stringify(module));
    expect(full).toContain('"__OPENBIS_BRIDGE_ENV__n1", "full")');
    expect(snippetFor('python', 'n2')).toContain(
      '"__OPENBIS_BRIDGE_ENV__n2", "imported")'
    );
  });

  it('calls the R capture function with the mode and the nonce', () => {
    const r = snippetFor('r', 'n3', 'imported');
    const script = readFileSync(join(shared, 'environment_capture.R'), 'utf8');
    expect(r).toContain(script);
    expect(r).toContain(')("__OPENBIS_BRIDGE_ENV__n3", "imported"))');
    expect(snippetFor('r', 'n3', 'full')).toContain(
      ')("__OPENBIS_BRIDGE_ENV__n3", "full"))'
    );
  });
});

describe('file formats', () => {
  // The same payload and texts as tests/kernel/test_environment_capture.py checks in Python.
  const payload = {
    packages: { zeta: '1.0', Alpha: '2.0', 'my-local': '0.1' },
    local: ['my-local @ file:///src/my-local'],
    version: '4.2.2',
    date: '2023-02-24'
  };

  it('writes requirements.txt as pins, then local installs as comments', () => {
    expect(requirementsText(toEnvironment('python', payload))).toBe(
      'Alpha==2.0\nzeta==1.0\n' +
        '# Installed from a local folder or a VCS (not reproducible from an index):\n' +
        '# my-local @ file:///src/my-local\n'
    );
  });

  it('writes runtime.txt in the repo2docker form', () => {
    expect(toEnvironment('r', payload).runtime).toBe('r-4.2.2-2023-02-24');
    expect(
      toEnvironment('python', { ...payload, version: '3.11' }).runtime
    ).toBe('python-3.11');
  });
});
