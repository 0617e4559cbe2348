// The measures are declared in the model (model/measures.ts); lib's modules import them from here.
export * from '../model/measures.js';
