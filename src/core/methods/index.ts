// The training methods by config name. A new method is one file beside these and one line here.

import type { Method } from '../config/types';
import { gblending } from './gblending';
import { joint } from './joint';
import { mla } from './mla';
import { mmpareto } from './mmpareto';
import { ogmGe } from './ogm-ge';
import { reconboost } from './reconboost';
import type { TrainingMethod } from './types';
import { unimodal } from './unimodal';

const METHODS: Record<Method, TrainingMethod> = {
  mla,
  joint,
  unimodal,
  'ogm-ge': ogmGe,
  mmpareto,
  gblending,
  reconboost,
};

export function trainingMethod(name: Method): TrainingMethod {
  return METHODS[name];
}

/** Every method's config name, in the registry's order. */
export function trainingMethodNames(): Method[] {
  return Object.keys(METHODS) as Method[];
}

export type { TrainingMethod } from './types';
