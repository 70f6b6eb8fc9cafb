import { defineOptimizerTests } from './optim-cases';

defineOptimizerTests('cpu');
