import { nullTranslator } from '@jupyterlab/translation';
import * as React from 'react';

import { ReportView, cellName, verdictLabel } from '../rerun/ReportView';
import { IRerunReport } from '../rerun/types';

// react-dom ships no type declarations here; only this function is used.
declare const require: (name: string) => unknown;
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup(element: React.ReactElement): string;
};

const trans = nullTranslator.load('jupyterlab_openbis_bridge');

const report: IRerunReport = {
  permId: '20260131120000000-42',
  notebook: 'openbis/20260131120000000-42/rerun-x/demo.rerun.ipynb',
  folder: 'openbis/20260131120000000-42/rerun-x',
  exitCode: 1,
  summary: 'results differ: 2 code cells, 1 identical, 1 different',
  cells: [
    {
      index: 0,
      cellId: 'a',
      verdict: 'identical',
      firstLine: 'x = 1',
      diff: []
    },
    {
      index: 2,
      cellId: 'b',
      verdict: 'different',
      firstLine: 'print(df.y.sum())',
      diff: ['-sum 6.0', '+sum 7.0']
    }
  ],
  environment: {
    recordedPython: '3.11',
    usedPython: '3.12',
    pythonDiffers: true,
    installer: 'uv',
    requirements: 4,
    notes: ['Python 3.11 is recorded but not installed here']
  },
  timings: { fetch: 1 },
  parents: [],
  savedAs: null,
  notes: []
};

describe('re-run report', () => {
  it('names cells from 1 and verdicts in words', () => {
    expect(cellName(report.cells[1], trans)).toBe('Cell 3');
    expect(verdictLabel('skipped', trans)).toBe(
      'not compared (openbis:volatile)'
    );
  });

  it('shows the outcome, a differing Python and each diff', () => {
    const html = renderToStaticMarkup(
      React.createElement(ReportView, { report, trans })
    );
    expect(html).toContain('The results differ');
    expect(html).toContain('recorded Python 3.11 differs');
    expect(html).toContain('-sum 6.0\n+sum 7.0');
    expect(html).toContain('jp-mod-different');
  });
});
