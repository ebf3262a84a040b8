import { InputError } from '../data/errors.js';

/** An error raised by a policy (a user's module, or the orders it returned): bad input, exit code 2. */
export class PolicyError extends InputError {}
