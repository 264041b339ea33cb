import { snippetFor } from '../kernel';

describe('capture modes', () => {
  it('puts the mode and the nonce into the Python snippet', () => {
    const full = snippetFor('python', 'n1', 'full');
    expect(full).toContain('__openbis_bridge_env("n1", "full")');
    expect(snippetFor('python', 'n2')).toContain(
      '__openbis_bridge_env("n2", "imported")'
    );
    expect(full).toContain('packages_distributions()');
    expect(full).not.toContain('%MODE%');
  });

  it('limits R to the loaded namespaces in imported mode', () => {
    const r = snippetFor('r', 'n3', 'imported');
    expect(r).toContain('if ("imported" == "imported")');
    expect(r).toContain('loadedNamespaces()');
    expect(snippetFor('r', 'n3', 'full')).toContain(
      'if ("full" == "imported")'
    );
  });
});
