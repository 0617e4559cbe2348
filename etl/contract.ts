// The data contract is declared in the model (model/contract.ts), which every layer
// reads; the loader's modules import it from here.
export * from '../model/contract.js';
