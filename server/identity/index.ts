/** How the host's own "signed-in user" is read, and presented as the subject while acting. */
export { passportIdentity, type PassportIdentityOptions, type PassportLike } from './passport.js';
export { sessionKeyIdentity, type SessionKeyIdentityOptions } from './session-key.js';
export { currentUserIdentity, checkIdentityAdapter } from './custom.js';
export { guardSessionWrites, presentSessionValue, sessionCall, unpresentSession } from './session-view.js';
export type { IdentityAdapter, HostIdentityWrite, PresentContext } from './types.js';
export { idKey, numericAlternative } from './ids.js';
export { person } from './person.js';
