// Device posture (ZTNA): the model, its validation, the request, evaluation and report identity.
export * from './model.js';
export * from './version.js';
export * from './validate.js';
export * from './request.js';
export * from './evaluate.js';
export * from './canonical.js';
export * from './state.js';
