import type { Request } from 'express';
import { z } from 'zod';
import { hasControlCharacters } from 'onbehalf/client';
import { DemoError } from './respond.js';

/** The parsed body as a plain object (JSON or form); anything else (an array, a string) counts as empty. */
export function bodyOf(req: Request): Record<string, unknown> {
  const b: unknown = req.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}

/** Validate or refuse with 400 and the first problem, in words. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new DemoError('BAD_REQUEST', r.error.issues[0].message);
  return r.data;
}

/** Single-line text: trimmed, bounded, no control characters. */
export const line = (label: string, max: number, min = 1) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(min, min === 1 ? `${label} is required.` : `${label} must be at least ${min} characters.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((s) => !hasControlCharacters(s), `${label} must not contain control characters.`);

/** A finite number from JSON or a form field ("12.5"). */
export const numberField = (label: string) =>
  z
    .union([z.number(), z.string().trim().min(1, `${label} is required.`).regex(/^-?\d+(\.\d+)?$/, `${label} must be a number.`).transform(Number)], {
      error: (issue) => (issue.input === undefined ? `${label} is required.` : `${label} must be a number.`),
    })
    .pipe(z.number().finite(`${label} must be a number.`).min(-1e9, `${label} is out of range.`).max(1e9, `${label} is out of range.`));
