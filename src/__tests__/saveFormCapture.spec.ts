/**
 * The capture mode in the Save form: where it starts, capturing again when it
 * changes, the latest choice winning, a failed capture keeping what was shown.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { CaptureError, CaptureMode, IEnvironment } from '../kernel';
import { initialCaptureMode, SaveFormModel } from '../models/saveForm';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function env(requirements: string[]): IEnvironment {
  return {
    language: 'python',
    requirements,
    localOrigins: [],
    runtime: 'python-3.11'
  };
}

const IMPORTED = env(['numpy==2.1.0']);
const FULL = env(['numpy==2.1.0', 'pytest==8.0.0', 'ruff==0.5.0']);

/** A recapture whose answers the test releases one by one. */
function pendingCaptures() {
  const calls: {
    mode: CaptureMode;
    resolve: (e: IEnvironment) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const recapture = (mode: CaptureMode) =>
    new Promise<IEnvironment>((resolve, reject) =>
      calls.push({ mode, resolve, reject })
    );
  return { calls, recapture };
}

function saveForm(recapture?: (mode: CaptureMode) => Promise<IEnvironment>) {
  return new SaveFormModel({
    connection: 'demo',
    trans,
    notebookPath: 'analysis.ipynb',
    types: [{ code: 'RAW', description: null, properties: [] }],
    initialType: 'RAW',
    remembered: {},
    initialTarget: null,
    parentCandidates: [],
    environment: IMPORTED,
    captureMode: 'imported',
    recapture
  });
}

describe('initialCaptureMode', () => {
  it('starts from the setting', () => {
    expect(initialCaptureMode('full', null)).toBe('full');
    expect(initialCaptureMode('imported', {})).toBe('imported');
  });

  it('keeps the mode chosen last time while the setting is unchanged', () => {
    expect(
      initialCaptureMode('imported', {
        captureMode: 'full',
        captureSetting: 'imported'
      })
    ).toBe('full');
  });

  it('follows the setting once it changed since', () => {
    expect(
      initialCaptureMode('full', {
        captureMode: 'imported',
        captureSetting: 'imported'
      })
    ).toBe('full');
    expect(
      initialCaptureMode('imported', {
        captureMode: 'bogus' as CaptureMode,
        captureSetting: 'imported'
      })
    ).toBe('imported');
  });
});

describe('SaveFormModel capture mode', () => {
  it('captures again in the chosen mode and sends those files', async () => {
    const { calls, recapture } = pendingCaptures();
    const form = saveForm(recapture);
    let changes = 0;
    form.changed.connect(() => (changes += 1));
    expect(form.form.captureMode).toBe('imported');
    expect(form.form.environment).toBe(IMPORTED);

    const switched = form.setCaptureMode('full');
    expect(form.capturing).toBe(true);
    expect(form.captureMode).toBe('full');
    const waited = form.captured();
    expect(calls.map(c => c.mode)).toEqual(['full']);
    calls[0].resolve(FULL);
    await switched;
    await waited;
    expect(form.capturing).toBe(false);
    expect(form.form).toMatchObject({
      captureMode: 'full',
      environment: FULL,
      includeEnvironment: true
    });
    expect(changes).toBe(2);
  });

  it('does nothing for the current mode or without a way to capture', async () => {
    const { calls, recapture } = pendingCaptures();
    await saveForm(recapture).setCaptureMode('imported');
    expect(calls).toHaveLength(0);
    const fixed = saveForm();
    await fixed.setCaptureMode('full');
    expect(fixed.captureMode).toBe('imported');
  });

  it('lets the latest choice win when captures overlap', async () => {
    const { calls, recapture } = pendingCaptures();
    const form = saveForm(recapture);
    const first = form.setCaptureMode('full');
    const second = form.setCaptureMode('imported');
    calls[1].resolve(env(['numpy==2.1.0', 'fresh==1.0']));
    calls[0].resolve(FULL); // late answer to the abandoned choice
    await Promise.all([first, second]);
    await form.captured();
    expect(form.captureMode).toBe('imported');
    expect(form.environment?.requirements).toEqual([
      'numpy==2.1.0',
      'fresh==1.0'
    ]);
    expect(form.capturing).toBe(false);
  });

  it('keeps the shown files and their mode when the capture fails', async () => {
    const { calls, recapture } = pendingCaptures();
    const form = saveForm(recapture);
    const switched = form.setCaptureMode('full');
    calls[0].reject(
      new CaptureError('The kernel did not answer in time.', 'timeout')
    );
    await switched;
    expect(form.captureMode).toBe('imported');
    expect(form.environment).toBe(IMPORTED);
    expect(form.captureError).toBe(
      'The kernel did not answer in time (is a cell still running?).'
    );
  });
});
