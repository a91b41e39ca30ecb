export * as vbp from './vbp';
