/**
 * Mirror's F5 sidecar protocol, version 1 (served by sidecar/f5_sidecar.py, faked by
 * testing/fakes/f5-sidecar-fake.ts). HTTP/1.1 on one host:port; the model loads once at start,
 * references come per visit:
 *
 *   GET    /health                 → 200 {"ok":true,"protocol":1,"sample_rate":24000,"model":"…","voices":n}
 *   POST   /voices                 {"ref_audio_b64": WAV as base64, "ref_text": "…"}
 *                                  → 201 {"voice_id":"…","ref_seconds":s}
 *   POST   /voices/{id}/speak      {"text":"…","nfe_step"?:32,"speed"?:1.0,"cross_fade_duration"?:0.15}
 *                                  → 200, Transfer-Encoding: chunked, X-Sample-Rate: 24000,
 *                                    body = float32 LE mono PCM as it is generated; the reply ends with
 *                                    the terminating chunk. A reply cut without it is a failure.
 *                                    Closing the connection stops generation at the next chunk.
 *                                  → 404 {"error":"unknown voice"} when the sidecar restarted since
 *   DELETE /voices/{id}            → 204 (also for an unknown id): reference tensors dropped
 *
 * Errors are JSON {"error":"…"} with a 4xx/5xx status.
 */
export const SIDECAR_PROTOCOL_VERSION = 1;

export interface SidecarHealth {
  ok: boolean;
  protocol: number;
  sample_rate: number;
  model: string;
  voices: number;
}

export interface SidecarVoice {
  voice_id: string;
  ref_seconds: number;
}

export interface SidecarSpeakBody {
  text: string;
  nfe_step?: number;
  speed?: number;
  cross_fade_duration?: number;
}
