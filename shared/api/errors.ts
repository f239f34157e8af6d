import { z } from 'zod';

export const apiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});
export type ApiError = z.infer<typeof apiError>;
