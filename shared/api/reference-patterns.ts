import { z } from 'zod';

/** A deployment's own reference pattern: its name is the reference type, its capturing group the value. */
export const referencePattern = z.object({
  name: z.string().trim().regex(/^[a-z][a-z0-9_]{0,39}$/, 'a name: lower-case letters, digits and _, at most 40'),
  regex: z.string().min(1).max(300),
  /** A text the pattern must find a value in; checked on every save. */
  test: z.string().min(1).max(500),
});
export type ReferencePattern = z.infer<typeof referencePattern>;

const patternList = z
  .array(referencePattern)
  .max(50)
  .refine((ps) => new Set(ps.map((p) => p.name)).size === ps.length, { message: 'two patterns have the same name' });

export const referencePatternsBody = z.object({ patterns: patternList });
export const referencePatternsResponse = z.object({
  patterns: z.array(referencePattern),
  /** The reference types found without configuration (order, invoice, ...). */
  builtIn: z.array(z.string()),
});

/** Try patterns on a text without saving them. */
export const referencePatternsTry = z.object({ patterns: patternList, text: z.string().max(10_000) });
export const foundReference = z.object({ type: z.string(), value: z.string(), start: z.number(), end: z.number() });
export const referencePatternsTryResponse = z.object({ references: z.array(foundReference) });
