// The same optimizer cases once on the wasm backend, the one most runs use.
import { defineOptimizerTests } from './optim-cases';

defineOptimizerTests('wasm');
