import { z } from 'zod';
import { subjectKind } from '../domain';

const name = z.string().trim().min(1, 'is required').max(200);

export const subject = z.object({
  id: z.number().int(),
  kind: subjectKind,
  name: z.string(),
  query: z.string(),
  aliases: z.array(z.string()),
  handles: z.array(z.string()),
  attributes: z.record(z.string(), z.string()),
  sensitivity: z.enum(['low', 'normal', 'high']),
});
export type Subject = z.infer<typeof subject>;

export const subjectInput = z.object({
  kind: subjectKind,
  name,
  query: z.string().trim().min(1, 'is required').max(10_000),
  aliases: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  handles: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  attributes: z.record(z.string().trim().min(1).max(60), z.string().max(200)).default({}),
  sensitivity: z.enum(['low', 'normal', 'high']).default('normal'),
});
export type SubjectInput = z.infer<typeof subjectInput>;

export const subjectPatch = subjectInput.partial();

export const subjectList = z.object({ subjects: z.array(subject) });

export const queryPreviewRequest = z.object({ query: z.string().max(10_000), limit: z.number().int().min(1).max(200).default(20) });
export const queryPreviewResponse = z.object({
  ok: z.boolean(),
  error: z.object({ message: z.string(), position: z.number().int() }).nullable(),
  scanned: z.number().int(),
  matched: z.number().int(),
  posts: z.array(z.object({ id: z.number(), text: z.string(), createdAt: z.string(), spans: z.array(z.tuple([z.number(), z.number()])) })),
});
export type QueryPreviewResponse = z.infer<typeof queryPreviewResponse>;
