import {
  compareEnvironments,
  driftItems,
  hasDrift,
  normalisePythonVersion,
  normaliseRVersion,
  packageKey,
  parseRequirements,
  parseRuntime,
  sameVersion
} from '../drift/compare';

describe('version normalisation', () => {
  it.each([
    ['1.0', '1.0.0'],
    ['v2.1', '2.1'],
    ['2.0RC1', '2.0rc1'],
    ['2.0-rc.1', '2.0rc1'],
    ['1.0alpha', '1.0a0'],
    ['1.0-beta2', '1.0b2'],
    ['1.0c3', '1.0rc3'],
    ['1.0-post2', '1.0.post2'],
    ['1.0-2', '1.0.post2'],
    ['1.0.rev1', '1.0.post1'],
    ['1.0dev', '1.0.dev0'],
    ['0!1.2', '1.2'],
    ['01.02', '1.2'],
    ['1.0+CPU_1', '1.0+cpu.1']
  ])('treats Python %s as %s', (a, b) => {
    expect(normalisePythonVersion(a)).toBe(normalisePythonVersion(b));
    expect(sameVersion(a, b, 'python')).toBe(true);
  });

  it.each([
    ['1.26.4', '2.1.0'],
    ['1.0', '1.0.1'],
    ['1.0rc1', '1.0'],
    ['1.0.post1', '1.0'],
    ['1!1.0', '1.0'],
    ['1.0+cpu', '1.0']
  ])('tells Python %s from %s', (a, b) => {
    expect(sameVersion(a, b, 'python')).toBe(false);
  });

  it('keeps text that is no PEP 440 version, lower-cased', () => {
    expect(normalisePythonVersion(' Nightly ')).toBe('nightly');
  });

  it('reads R versions as R does', () => {
    expect(normaliseRVersion('1.2-3')).toBe('1.2.3');
    expect(sameVersion('1.14-0', '1.14.0', 'r')).toBe(true);
    expect(sameVersion('0.4-10', '0.4.9', 'r')).toBe(false);
    expect(normaliseRVersion('devel')).toBe('devel');
  });
});

describe('requirements and runtime lines', () => {
  it('reads pins with extras and markers, and skips everything else', () => {
    expect(
      parseRequirements([
        'numpy==1.26.4',
        'Pandas[performance] == 2.2.0 ; python_version >= "3.9"',
        'legacy===1.0-foo',
        '# a comment',
        '# Installed from a local folder or a VCS (not reproducible from an index):',
        '# mypkg @ file:///somewhere',
        '-r other.txt',
        'ranged>=1.0',
        'direct @ https://example.org/direct.whl',
        'scipy==1.11.0  # trailing comment',
        ''
      ])
    ).toEqual([
      { name: 'numpy', version: '1.26.4' },
      { name: 'Pandas', version: '2.2.0' },
      { name: 'legacy', version: '1.0-foo' },
      { name: 'scipy', version: '1.11.0' }
    ]);
  });

  it('spells package names as PEP 503 for Python, as written for R', () => {
    expect(packageKey('Zope.Interface', 'python')).toBe('zope-interface');
    expect(packageKey('typing_extensions', 'python')).toBe('typing-extensions');
    expect(packageKey('data.table', 'r')).toBe('data.table');
  });

  it('reads runtime.txt lines', () => {
    expect(parseRuntime('python-3.12')).toEqual({
      language: 'python',
      version: '3.12'
    });
    expect(parseRuntime('r-4.3-2024-01-01')).toEqual({
      language: 'r',
      version: '4.3'
    });
    expect(parseRuntime('')).toBeNull();
  });
});

describe('compareEnvironments', () => {
  const current = {
    requirements: [
      'numpy==2.1.0',
      'ipykernel==6.29.0',
      'typing_extensions==4.12'
    ],
    runtime: 'python-3.11'
  };

  it('names changed and missing packages and another Python', () => {
    const drift = compareEnvironments(
      {
        requirements: [
          'numpy==1.26',
          'pandas==2.2.0',
          'ipykernel==6.29',
          'Typing-Extensions==4.12.0'
        ],
        runtime: 'python-3.12'
      },
      current,
      'python'
    );
    expect(drift).toEqual({
      changed: [{ name: 'numpy', recorded: '1.26', current: '2.1.0' }],
      missing: ['pandas'],
      runtime: { recorded: 'python-3.12', current: 'python-3.11' }
    });
    expect(hasDrift(drift)).toBe(true);
  });

  it('finds nothing when the recorded environment is a subset of the kernel’s', () => {
    const drift = compareEnvironments(
      {
        requirements: ['numpy==2.1', 'ipykernel==6.29.0'],
        runtime: 'python-3.11.9'
      },
      current,
      'python'
    );
    expect(drift).toEqual({ changed: [], missing: [], runtime: null });
    expect(hasDrift(drift)).toBe(false);
  });

  it('counts local installs of the kernel as present', () => {
    const drift = compareEnvironments(
      { requirements: ['my-lab-tools==0.3'], runtime: '' },
      current,
      'python',
      ['my_lab_tools']
    );
    expect(hasDrift(drift)).toBe(false);
  });

  it('compares R packages and ignores R’s release date', () => {
    const drift = compareEnvironments(
      {
        requirements: ['jsonlite==1.8-7', 'data.table==1.14.8', 'Rcpp==1.0.11'],
        runtime: 'r-4.3-2023-06-16'
      },
      {
        requirements: ['jsonlite==1.8.7', 'data.table==1.15.0'],
        runtime: 'r-4.3-2024-02-29'
      },
      'r'
    );
    expect(drift).toEqual({
      changed: [{ name: 'data.table', recorded: '1.14.8', current: '1.15.0' }],
      missing: ['Rcpp'],
      runtime: null
    });
  });
});

describe('driftItems', () => {
  it('puts the language first and folds the rest into a count', () => {
    const items = driftItems(
      {
        changed: [
          { name: 'a', recorded: '1', current: '2' },
          { name: 'b', recorded: '1', current: '2' }
        ],
        missing: ['c', 'd', 'e'],
        runtime: { recorded: 'python-3.12', current: 'python-3.11' }
      },
      3
    );
    expect(items.map(i => i.kind)).toEqual([
      'runtime',
      'changed',
      'changed',
      'more'
    ]);
    expect(items[3]).toEqual({ kind: 'more', count: 3 });
  });
});
