import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

/** An Ed25519 key as PEM text or a KeyObject; throws a TypeError for any other kind of key. */
export function ed25519Key(key: string | Buffer | KeyObject, type: 'private' | 'public'): KeyObject {
  let k = key instanceof KeyObject ? key : type === 'private' ? createPrivateKey(key) : createPublicKey(key);
  if (k.asymmetricKeyType !== 'ed25519') throw new TypeError(`The audit checkpoint key must be an Ed25519 key, not ${k.asymmetricKeyType}.`);
  if (type === 'public' && k.type === 'private') k = createPublicKey(k);
  return k;
}

/** Signed checkpoints (Ed25519): the key, and how often a sink signs its chain. */
export interface CheckpointSigning {
  /** Ed25519 private key, PEM or KeyObject, from the host's configuration (never where the log is kept). */
  privateKey: string | Buffer | KeyObject;
  /** Write a checkpoint after this many events. Default 1000. */
  everyEvents?: number;
  /** ... and at least this often while events arrive (ms). Default 60 000. */
  everyMs?: number;
}
