import type { Person } from '../../shared/index.js';
import type { DirectoryUser } from './types.js';

/** A directory user as records and answers name them: id, name and e-mail, nothing else the directory holds. */
export const person = (u: DirectoryUser): Person => ({ id: u.id, name: u.name, ...(u.email && { email: u.email }) });
