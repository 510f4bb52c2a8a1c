export * from './model.js';
export * from './ports.js';
export * from './login.js';
export * from './network.js';
export * from './throttle.js';
export * from './devices.js';
export * from './connection.js';
export * from './auth-messages.js';
