import { z } from 'zod';
import { postKind } from '../domain';

/** A post as other tools send it to POST /api/ingest (and as `earshot import` reads Earshot-shaped JSONL). */
export const externalPost = z.object({
  id: z.union([z.string().min(1).max(200), z.number().int().nonnegative()]).transform(String),
  text: z.string().max(100_000),
  createdAt: z.iso.datetime({ offset: true }).or(z.iso.date()),
  author: z
    .object({
      id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
      handle: z.string().max(200).nullish(),
      name: z.string().max(500).nullish(),
      followers: z.number().int().nonnegative().nullish(),
    })
    .or(z.string().min(1).max(200).transform((handle) => ({ id: handle, handle, name: null, followers: null }))),
  url: z.url({ protocol: /^https?$/ }).max(2000).nullish(),
  lang: z.string().max(20).nullish(),
  kind: postKind.default('original'),
  parentId: z.string().max(200).nullish(),
  repostOfId: z.string().max(200).nullish(),
  metrics: z.record(z.string().max(50), z.number()).nullish(),
});
export type ExternalPost = z.infer<typeof externalPost>;

export const ingestRequest = z.object({ posts: z.array(z.unknown()).min(1).max(1000) }).or(z.unknown().transform((one) => ({ posts: [one] })));

export const ingestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), errors: z.array(z.string()) })),
});
export type IngestResponse = z.infer<typeof ingestResponse>;
