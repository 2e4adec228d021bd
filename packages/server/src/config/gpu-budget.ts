import { z } from "zod";

/**
 * How Mirror shares one GPU between the voice (F5), the renderer and Deep-Live-Cam. Every share the other work
 * holds while F5 synthesizes slows the reply's first audio (docs/deploy.md section 5 has the measurements).
 */
export const GpuBudgetConfig = z
  .object({
    /** the kiosk's renderer draws at most this many fps from the start of a reply until its last audio (off when absent) */
    rendererMaxFpsWhileSpeaking: z.number().int().min(1).max(240).optional(),
    /**
     * "visit": Deep-Live-Cam runs from the conversation's start until the visit is purged;
     * "visible": it stops as soon as the double leaves the screen (the farewell), freeing the GPU earlier.
     */
    deepLiveCam: z.enum(["visit", "visible"]).default("visit"),
  })
  .prefault({});
export type GpuBudgetConfig = z.infer<typeof GpuBudgetConfig>;
