/** The protocol the server and the extension both speak: schemas, error codes and wording. */
export * from './errors.js';
export * from './protocol.js';
export * from './banner.js';
export * from './text.js';
export * from './subject.js';
export * from './tokens.js';
