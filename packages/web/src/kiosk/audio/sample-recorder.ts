import { MIC_SAMPLE_RATE } from "@mirror/protocol";
import type { MicCapture, MicFrame } from "./capture.js";
import { SAMPLE_LIMITS, SpeechGate, dbfs } from "./sample-check.js";

export interface RecorderLevel {
  rmsDbfs: number;
  peakDbfs: number;
  speaking: boolean;
  speechMs: number;
  elapsedMs: number;
}

/**
 * Records the voice sample from the running capture: stops by itself once enough speech was heard and the
 * visitor paused, or at the maximum length.
 */
export class SampleRecorder {
  private stopRecording: ((deliver: boolean) => void) | null = null;

  constructor(private readonly capture: MicCapture) {}

  /** Resolves with the recording, or null when cancelled. */
  record(onLevel: (l: RecorderLevel) => void): Promise<Int16Array | null> {
    this.cancel();
    return new Promise((resolve) => {
      const frames: Int16Array[] = [];
      const gate = new SpeechGate();
      let samples = 0;
      let speechMs = 0;
      let silenceMs = 0;
      const finish = (deliver: boolean): void => {
        unsubscribe();
        this.stopRecording = null;
        if (!deliver) {
          resolve(null);
          return;
        }
        const out = new Int16Array(samples);
        let o = 0;
        for (const f of frames) {
          out.set(f, o);
          o += f.length;
        }
        resolve(out);
      };
      const unsubscribe = this.capture.onFrame((f: MicFrame) => {
        frames.push(f.pcm);
        samples += f.pcm.length;
        const frameMs = (f.pcm.length / MIC_SAMPLE_RATE) * 1000;
        const rmsDbfs = dbfs(f.rms);
        const speaking = gate.isSpeech(rmsDbfs);
        if (speaking) {
          speechMs += frameMs;
          silenceMs = 0;
        } else silenceMs += frameMs;
        const elapsedMs = (samples / MIC_SAMPLE_RATE) * 1000;
        onLevel({ rmsDbfs, peakDbfs: dbfs(f.peak), speaking, speechMs, elapsedMs });
        const enough = speechMs >= SAMPLE_LIMITS.autoStopSpeechMs && silenceMs >= SAMPLE_LIMITS.stopSilenceMs;
        if (enough || elapsedMs >= SAMPLE_LIMITS.maxMs) finish(true);
      });
      this.stopRecording = finish;
    });
  }

  /** Stops without delivering (the screen was left). */
  cancel(): void {
    this.stopRecording?.(false);
  }
}
