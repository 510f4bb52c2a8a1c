export { Argon2idHasher } from './auth/password.js';
