// The config blocks that hold one method's own options, by block name: the validator warns when a block is
// there for another method, and a comparison lets them differ between rows. A new method with options is one
// line here.

import type { Method } from './types';

export const METHOD_OPTION_BLOCKS = {
  ogm: 'ogm-ge',
  mmpareto: 'mmpareto',
  gblending: 'gblending',
  reconboost: 'reconboost',
} as const satisfies Record<string, Method>;
