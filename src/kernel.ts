/**
 * Capture the notebook kernel's environment (installed packages, language
 * version) by running a short snippet in that kernel.
 *
 * The snippet prints one line `<marker><nonce> <json>`; only a line carrying
 * this request's nonce is accepted, so output of an earlier request or of user
 * code can never be mistaken for the answer. The request is not `silent`
 * (silent requests publish no stream output) but uses `store_history: false`.
 */
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';

import { PYTHON_CAPTURE_SOURCE, R_CAPTURE_SOURCE } from './captureCode';

export const MARKER = '__OPENBIS_BRIDGE_ENV__';

export type EnvLanguage = 'python' | 'r';

/** What the kernel reported. */
export interface IEnvironment {
  language: EnvLanguage;
  /** Lines of requirements.txt, `name==version`, sorted, one per distribution. */
  requirements: string[];
  /** Distributions installed from a local path or a VCS (cannot be pinned by version alone). */
  localOrigins: string[];
  /**
   * The runtime.txt line, in repo2docker's form: `python-3.12`, or for R
   * `r-<R version>-<CRAN snapshot date>`, e.g. `r-4.2.2-2023-02-24`.
   */
  runtime: string;
}

export class CaptureError extends Error {
  constructor(
    /** English text (logs, tests); users see `captureErrorText`. */
    message: string,
    readonly kind:
      'unsupported' | 'timeout' | 'kernel_error' | 'no_kernel' | 'bad_output',
    /**
     * What the sentence names: the kernel's language (`unsupported`), the
     * kernel's status when it stopped or the kernel's own error text
     * (`kernel_error`, see `stopped`).
     */
    readonly detail: string | null = null,
    /** For `kernel_error`: the kernel stopped (`detail` is its status). */
    readonly stopped = false
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** The sentence shown to the user for a failed capture, in their language. */
export function captureErrorText(
  error: unknown,
  trans: TranslationBundle
): string {
  if (!(error instanceof CaptureError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const { detail } = error;
  switch (error.kind) {
    case 'no_kernel':
      return trans.__('The notebook has no running kernel.');
    case 'unsupported':
      return detail
        ? trans.__(
            'Capturing the environment is not supported for %1 kernels.',
            detail
          )
        : trans.__('Capturing the environment is not supported here.');
    case 'timeout':
      return trans.__(
        'The kernel did not answer in time (is a cell still running?).'
      );
    case 'bad_output':
      return trans.__('The kernel did not print the environment.');
    default:
      if (error.stopped) {
        return trans.__('The kernel stopped (%1) before it answered.', detail);
      }
      // The kernel's own error text is shown as it is.
      return detail ?? trans.__('The kernel reported an error.');
  }
}

/*
 * The capture code itself lives in python_pkg/jupyterlab_openbis_bridge/environment_capture.py
 * (the kernel-side save widget imports it) and environment_capture.R; the build embeds both
 * (captureCode.ts), since the kernel may not have this package. Python: `full` pins every
 * distribution, `imported` those providing an imported module plus their requirements closure.
 * R: `full` every installed package, `imported` the loaded namespaces plus their
 * Depends/Imports/LinkingTo closure; base packages come with R (runtime.txt) and are not pinned.
 */

/** Python: run the module in a namespace of its own, so nothing is left in the user's. */
function pythonSnippet(prefix: string, mode: CaptureMode): string {
  return [
    'def __openbis_bridge_env(source, prefix, mode):',
    '    scope = {"__name__": "openbis_bridge_environment_capture"}',
    '    exec(compile(source, "<openbis-bridge environment capture>", "exec"), scope)',
    '    scope["print_environment"](prefix, mode)',
    'try:',
    `    __openbis_bridge_env(${JSON.stringify(PYTHON_CAPTURE_SOURCE)}, ${JSON.stringify(prefix)}, ${JSON.stringify(mode)})`,
    'finally:',
    '    del __openbis_bridge_env',
    ''
  ].join('\n');
}

/** R: the file is one function expression, called in a local scope. */
function rSnippet(prefix: string, mode: CaptureMode): string {
  return `local((\n${R_CAPTURE_SOURCE}\n)(${JSON.stringify(prefix)}, ${JSON.stringify(mode)}))\n`;
}

/** The language of a kernel, from its info reply or the notebook's kernelspec. */
export function kernelLanguage(
  languageName: string | undefined | null
): EnvLanguage | null {
  const name = (languageName ?? '').toLowerCase();
  if (name === 'python' || name.startsWith('python')) {
    return 'python';
  }
  if (name === 'r') {
    return 'r';
  }
  return null;
}

export function newNonce(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
}

/** `full`: every installed package; `imported`: what the kernel has loaded, and what that needs. */
export type CaptureMode = 'full' | 'imported';

export function snippetFor(
  language: EnvLanguage,
  nonce: string,
  mode: CaptureMode = 'imported'
): string {
  const prefix = `${MARKER}${nonce}`;
  return language === 'python'
    ? pythonSnippet(prefix, mode)
    : rSnippet(prefix, mode);
}

interface IPayload {
  packages: Record<string, string>;
  local: string[];
  version: string;
  date?: string;
}

/** Turn the kernel's JSON into file lines (formatting lives here, not in the kernel). */
export function toEnvironment(
  language: EnvLanguage,
  payload: IPayload
): IEnvironment {
  const local = new Set(
    payload.local.map(entry => entry.split(' @ ')[0].toLowerCase())
  );
  const requirements = Object.entries(payload.packages)
    .filter(([name]) => !local.has(name.toLowerCase()))
    .map(([name, version]) => `${name}==${version}`)
    .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const runtime =
    language === 'python'
      ? `python-${payload.version}`
      : `r-${payload.version}-${payload.date ?? ''}`.replace(/-$/, '');
  return {
    language,
    requirements: Array.from(new Set(requirements)),
    localOrigins: payload.local,
    runtime
  };
}

/** The requirements.txt text: pins, then local/VCS installs as comments. */
export function requirementsText(env: IEnvironment): string {
  const lines = [...env.requirements];
  if (env.localOrigins.length) {
    lines.push(
      '# Installed from a local folder or a VCS (not reproducible from an index):'
    );
    lines.push(...env.localOrigins.map(entry => `# ${entry}`));
  }
  return lines.join('\n') + '\n';
}

/** Find this request's answer in the collected stdout. */
export function parseOutput(stdout: string, nonce: string): IPayload | null {
  const prefix = `${MARKER}${nonce} `;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(prefix)) {
      try {
        const payload = JSON.parse(line.slice(prefix.length)) as IPayload;
        if (
          payload &&
          typeof payload.packages === 'object' &&
          typeof payload.version === 'string'
        ) {
          return {
            ...payload,
            local: Array.isArray(payload.local) ? payload.local : []
          };
        }
      } catch {
        return null;
      }
    }
  }
  return null;
}

export interface ICaptureOptions {
  /** Language from the kernel's info (`language_info.name`). */
  language: string | null | undefined;
  timeoutMs?: number;
  nonce?: string;
  /** Which packages to pin (default `imported`). */
  mode?: CaptureMode;
}

/**
 * Run the capture snippet in `kernel` and return the environment.
 *
 * @throws {CaptureError} for unsupported languages, kernel errors, timeouts
 *   and output without this request's marker.
 */
export async function captureEnvironment(
  kernel: Kernel.IKernelConnection | null | undefined,
  options: ICaptureOptions
): Promise<IEnvironment> {
  if (!kernel) {
    throw new CaptureError('The notebook has no running kernel.', 'no_kernel');
  }
  const language = kernelLanguage(options.language);
  if (!language) {
    throw new CaptureError(
      `Capturing the environment is not supported for ${options.language || 'this'} kernels.`,
      'unsupported',
      options.language || null
    );
  }
  const nonce = options.nonce ?? newNonce();
  const future = kernel.requestExecute({
    code: snippetFor(language, nonce, options.mode),
    silent: false,
    store_history: false,
    allow_stdin: false,
    stop_on_error: true
  });
  const output = collectOutput(future);
  const guard = guardKernel(kernel, options.timeoutMs ?? 30000);
  try {
    const reply = (await Promise.race([
      future.done,
      guard.failed
    ])) as KernelMessage.IExecuteReplyMsg;
    checkReply(reply, output.errorText);
    const payload = parseOutput(output.stdout, nonce);
    if (!payload) {
      throw new CaptureError(
        'The kernel did not print the environment.',
        'bad_output'
      );
    }
    return toEnvironment(language, payload);
  } finally {
    guard.dispose();
    future.dispose();
  }
}

/** What the request printed so far, and the error it raised, if any. */
interface IOutput {
  stdout: string;
  errorText: string | null;
}

function collectOutput(
  future: Kernel.IShellFuture<
    KernelMessage.IExecuteRequestMsg,
    KernelMessage.IExecuteReplyMsg
  >
): IOutput {
  const output: IOutput = { stdout: '', errorText: null };
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    if (KernelMessage.isStreamMsg(msg) && msg.content.name === 'stdout') {
      output.stdout += msg.content.text;
    } else if (KernelMessage.isErrorMsg(msg)) {
      output.errorText = `${msg.content.ename}: ${msg.content.evalue}`;
    }
  };
  return output;
}

/**
 * A promise rejected when the kernel does not answer within `timeoutMs`, or
 * at once when it restarts or dies (it would never answer); `dispose` stops watching.
 */
function guardKernel(
  kernel: Kernel.IKernelConnection,
  timeoutMs: number
): { failed: Promise<never>; dispose: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onStatus:
    | ((sender: Kernel.IKernelConnection, status: Kernel.Status) => void)
    | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CaptureError(
            'The kernel did not answer in time (is a cell still running?).',
            'timeout'
          )
        ),
      timeoutMs
    );
    // A restart or a dead kernel never answers: give up at once instead of waiting for the timeout.
    onStatus = (_sender, status) => {
      if (
        status === 'restarting' ||
        status === 'autorestarting' ||
        status === 'dead'
      ) {
        reject(
          new CaptureError(
            `The kernel stopped (${status}) before it answered.`,
            'kernel_error',
            status,
            true
          )
        );
      }
    };
    kernel.statusChanged?.connect(onStatus);
  });
  const dispose = () => {
    clearTimeout(timer);
    if (onStatus) {
      kernel.statusChanged?.disconnect(onStatus);
    }
  };
  return { failed, dispose };
}

/** @throws {CaptureError} when the kernel reported an error. */
function checkReply(
  reply: KernelMessage.IExecuteReplyMsg | undefined,
  errorText: string | null
): void {
  if (errorText || reply?.content?.status !== 'ok') {
    const content = reply?.content as
      KernelMessage.IReplyErrorContent | undefined;
    const detail =
      errorText ??
      (content?.ename ? `${content.ename}: ${content.evalue}` : null);
    throw new CaptureError(
      detail ?? 'The kernel reported an error.',
      'kernel_error',
      detail
    );
  }
}
