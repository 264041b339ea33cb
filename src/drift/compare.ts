/**
 * How far the kernel's environment has drifted from the one a notebook
 * recorded (requirements.txt and runtime.txt, or their copy in the notebook's
 * metadata): packages at another version, packages missing, another language
 * version. Pure: no JupyterLab, no kernel.
 *
 * Versions are compared by meaning, not by text: Python versions as PEP 440
 * normalises them (`1.0` = `1.0.0`, `2.0RC1` = `2.0rc1`, `1.0-post2` =
 * `1.0.post2`, a leading `v` and zero padding ignored), R versions as R's
 * `package_version` reads them (`1.2-3` = `1.2.3`).
 */

export type DriftLanguage = 'python' | 'r';

/** One pinned package of a requirements file. */
export interface IPin {
  /** The name as written. */
  name: string;
  version: string;
}

export interface IChangedPackage {
  name: string;
  recorded: string;
  current: string;
}

export interface IDrift {
  changed: IChangedPackage[];
  /** Names of recorded packages the kernel does not have. */
  missing: string[];
  /** The recorded and the kernel's language version when they differ (`python-3.12`), else null. */
  runtime: { recorded: string; current: string } | null;
}

/** The environment a notebook recorded, or the kernel reports. */
export interface IEnvironmentLines {
  /** requirements.txt lines (comments and options are ignored). */
  requirements: readonly string[];
  /** The runtime.txt line, e.g. `python-3.12` or `r-4.3-2024-01-01`; '' when unknown. */
  runtime: string;
}

/** A package name in the form two spellings of one package share. */
export function packageKey(name: string, language: DriftLanguage): string {
  // PEP 503 for Python; R package names are case-sensitive and may contain dots.
  return language === 'python'
    ? name
        .trim()
        .replace(/[-_.]+/g, '-')
        .toLowerCase()
    : name.trim();
}

const PIN =
  /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;#,]+)/;

/**
 * The pins of requirements.txt lines: `name==version` (extras and environment
 * markers allowed). Comments, options (`-r`, `--index-url`), URLs and ranges
 * pin nothing and are left out.
 */
export function parseRequirements(lines: readonly string[]): IPin[] {
  const pins: IPin[] = [];
  for (const raw of lines) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const match = PIN.exec(line);
    if (match) {
      pins.push({ name: match[1], version: match[2] });
    }
  }
  return pins;
}

/** PEP 440's spellings of the pre-release, post-release and dev labels. */
const LABELS: Record<string, string> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
  post: 'post',
  rev: 'post',
  r: 'post',
  dev: 'dev'
};

/** Drop trailing zeros of a release (`1.0.0` → `1`), keep at least one part. */
function trimRelease(parts: number[]): number[] {
  const out = [...parts];
  while (out.length > 1 && out[out.length - 1] === 0) {
    out.pop();
  }
  return out;
}

/**
 * The canonical form of a Python version per PEP 440 (release without
 * trailing zeros), or the lower-cased text when it is not a PEP 440 version.
 */
export function normalisePythonVersion(version: string): string {
  const text = version.trim().toLowerCase().replace(/^v/, '');
  const match =
    /^(?:(\d+)!)?(\d+(?:\.\d+)*)((?:[-_.]?(?:a|alpha|b|beta|c|rc|pre|preview|post|rev|r|dev)[-_.]?\d*)*)(?:-(\d+))?(?:\+([a-z0-9._-]+))?$/.exec(
      text
    );
  if (!match) {
    return text;
  }
  const [, epoch, release, suffixes, implicitPost, local] = match;
  let out = '';
  if (epoch && Number(epoch) !== 0) {
    out += `${Number(epoch)}!`;
  }
  out += trimRelease(release.split('.').map(Number)).join('.');
  const labelled = /([a-z]+)[-_.]?(\d*)/g;
  let part: RegExpExecArray | null;
  while ((part = labelled.exec(suffixes)) !== null) {
    const label = LABELS[part[1]];
    const number = Number(part[2] || '0');
    out += label === 'a' || label === 'b' || label === 'rc' ? '' : '.';
    out += `${label}${number}`;
  }
  if (implicitPost !== undefined) {
    out += `.post${Number(implicitPost)}`;
  }
  if (local) {
    out += `+${local.replace(/[-_]/g, '.')}`;
  }
  return out;
}

/** R's reading of a package version: numbers separated by `.` or `-` (`1.2-3` = `1.2.3`). */
export function normaliseRVersion(version: string): string {
  const text = version.trim();
  if (!/^\d+([.-]\d+)*$/.test(text)) {
    return text;
  }
  return text
    .split(/[.-]/)
    .map(n => String(Number(n)))
    .join('.');
}

/** Whether two versions of a package are the same version. */
export function sameVersion(
  a: string,
  b: string,
  language: DriftLanguage
): boolean {
  return language === 'python'
    ? normalisePythonVersion(a) === normalisePythonVersion(b)
    : normaliseRVersion(a) === normaliseRVersion(b);
}

/** `python-3.12` → { language: 'python', version: '3.12' }; R's date is not part of the version. */
export function parseRuntime(
  line: string
): { language: string; version: string } | null {
  const match = /^\s*([A-Za-z]+)-(\d+(?:\.\d+)*)/.exec(line);
  return match ? { language: match[1].toLowerCase(), version: match[2] } : null;
}

/** Language and major.minor of two runtime lines, or null when they agree or one is unknown. */
function runtimeDrift(recorded: string, current: string): IDrift['runtime'] {
  const a = parseRuntime(recorded);
  const b = parseRuntime(current);
  if (!a || !b) {
    return null;
  }
  const minor = (v: string) =>
    trimRelease(v.split('.').map(Number)).slice(0, 2);
  const same =
    a.language === b.language &&
    minor(a.version).join('.') === minor(b.version).join('.');
  return same
    ? null
    : {
        recorded: `${a.language}-${a.version}`,
        current: `${b.language}-${b.version}`
      };
}

/**
 * What differs between the recorded environment and the kernel's. Packages
 * the kernel has beyond the recorded ones are not drift; `present` names
 * packages the kernel has without a version pin (local or VCS installs),
 * which count as present at an unknown version.
 */
export function compareEnvironments(
  recorded: IEnvironmentLines,
  current: IEnvironmentLines,
  language: DriftLanguage,
  present: readonly string[] = []
): IDrift {
  const installed = new Map<string, string>();
  for (const pin of parseRequirements(current.requirements)) {
    installed.set(packageKey(pin.name, language), pin.version);
  }
  const unpinned = new Set(present.map(name => packageKey(name, language)));
  const drift: IDrift = {
    changed: [],
    missing: [],
    runtime: runtimeDrift(recorded.runtime, current.runtime)
  };
  for (const pin of parseRequirements(recorded.requirements)) {
    const key = packageKey(pin.name, language);
    const version = installed.get(key);
    if (version === undefined) {
      if (!unpinned.has(key)) {
        drift.missing.push(pin.name);
      }
    } else if (!sameVersion(pin.version, version, language)) {
      drift.changed.push({
        name: pin.name,
        recorded: pin.version,
        current: version
      });
    }
  }
  return drift;
}

export function hasDrift(drift: IDrift): boolean {
  return !!(drift.changed.length || drift.missing.length || drift.runtime);
}

/** A piece of the notice: what it says, translated by the caller. */
export type DriftItem =
  | { kind: 'runtime'; recorded: string; current: string }
  | { kind: 'changed'; name: string; recorded: string; current: string }
  | { kind: 'missing'; name: string }
  | { kind: 'more'; count: number };

/**
 * The first `limit` differences for a compact notice (language version
 * first, then changed, then missing packages), and how many more there are.
 */
export function driftItems(drift: IDrift, limit = 4): DriftItem[] {
  const all: DriftItem[] = [
    ...(drift.runtime ? [{ kind: 'runtime' as const, ...drift.runtime }] : []),
    ...drift.changed.map(c => ({ kind: 'changed' as const, ...c })),
    ...drift.missing.map(name => ({ kind: 'missing' as const, name }))
  ];
  if (all.length <= limit) {
    return all;
  }
  return [...all.slice(0, limit), { kind: 'more', count: all.length - limit }];
}
