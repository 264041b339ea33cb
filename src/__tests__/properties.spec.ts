import { nullTranslator } from '@jupyterlab/translation';

import {
  coerceValue,
  inputKind,
  sections,
  validateProperties
} from '../properties';
import { IDataSetType, IPropertyType } from '../types';

const trans = nullTranslator.load('test');

function prop(
  code: string,
  dataType: string,
  extra: Partial<IPropertyType> = {}
): IPropertyType {
  return {
    code,
    label: code,
    description: null,
    dataType,
    mandatory: false,
    section: null,
    ordinal: null,
    multiValue: false,
    vocabulary: null,
    terms: [],
    ...extra
  };
}

const kernel = prop('KERNEL', 'CONTROLLEDVOCABULARY', {
  section: 'Details',
  terms: [
    {
      code: 'PYTHON3',
      label: 'Python 3',
      description: null,
      ordinal: 1,
      official: true
    },
    { code: 'R', label: 'R', description: null, ordinal: 2, official: true }
  ]
});

const type: IDataSetType = {
  code: 'T',
  description: null,
  properties: [
    prop('$NAME', 'VARCHAR', { mandatory: true, section: 'General' }),
    prop('REPLICATES', 'INTEGER', { section: 'Details' }),
    prop('TEMPERATURE', 'REAL', { section: 'Details' }),
    prop('CALIBRATED', 'BOOLEAN', { section: 'Details' }),
    prop('DAY', 'DATE'),
    prop('START', 'TIMESTAMP'),
    prop('NOTES', 'MULTILINE_VARCHAR'),
    kernel
  ]
};

describe('property widgets', () => {
  it('maps data types to widgets', () => {
    expect(type.properties.map(inputKind)).toEqual([
      'text',
      'integer',
      'real',
      'checkbox',
      'date',
      'datetime',
      'textarea',
      'select'
    ]);
  });

  it('groups by section in masterdata order', () => {
    expect(
      sections(type, 'Other').map(([name, props]) => [name, props.length])
    ).toEqual([
      ['General', 1],
      ['Details', 4],
      ['Other', 3]
    ]);
  });
});

describe('coercion', () => {
  it('turns form text into typed values', () => {
    const { properties, errors } = validateProperties(
      type,
      {
        $NAME: ' My notebook ',
        REPLICATES: '3',
        TEMPERATURE: '21.5',
        CALIBRATED: true,
        DAY: '2025-02-11',
        START: '2025-02-11T09:30',
        NOTES: 'a\nb',
        KERNEL: 'python3'
      },
      trans
    );
    expect(errors).toEqual({});
    expect(properties).toEqual({
      $NAME: ' My notebook ',
      REPLICATES: 3,
      TEMPERATURE: 21.5,
      CALIBRATED: true,
      DAY: '2025-02-11',
      START: '2025-02-11 09:30',
      NOTES: 'a\nb',
      KERNEL: 'PYTHON3'
    });
  });

  it('reports every invalid field under the server key, and a missing mandatory one', () => {
    const { errors, properties } = validateProperties(
      type,
      {
        REPLICATES: '2.5',
        TEMPERATURE: 'warm',
        DAY: '11/02/2025',
        KERNEL: 'COBOL'
      },
      trans
    );
    expect(errors).toEqual({
      'properties.$NAME': 'Required.',
      'properties.REPLICATES': 'Enter a whole number.',
      'properties.TEMPERATURE': 'Enter a number.',
      'properties.DAY': 'Enter a date (YYYY-MM-DD).',
      'properties.KERNEL': 'Choose one of the listed terms.'
    });
    expect(properties).toEqual({});
  });

  it('leaves empty optional fields and unticked optional checkboxes out', () => {
    expect(coerceValue(prop('X', 'INTEGER'), '  ', trans)).toEqual({});
    expect(coerceValue(prop('B', 'BOOLEAN'), false, trans)).toEqual({});
    expect(
      coerceValue(prop('B', 'BOOLEAN', { mandatory: true }), false, trans)
    ).toEqual({ value: false });
  });

  it('checks links', () => {
    expect(
      coerceValue(prop('L', 'HYPERLINK'), 'example.org', trans).error
    ).toBe('Enter an http(s) link.');
    expect(
      coerceValue(prop('L', 'HYPERLINK'), 'https://example.org', trans).value
    ).toBe('https://example.org');
  });
});
