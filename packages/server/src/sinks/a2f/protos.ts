/**
 * Loads the official Audio2Face gRPC interfaces (proto/ beside this file) into @grpc/grpc-js service definitions.
 * Used by the legacy sink, the Audio2Face-3D lip-sync provider and their test fakes.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO_DIR = fileURLToPath(new URL("./proto/", import.meta.url));
const OPTIONS: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_DIR] };

export interface ServiceBundle {
  /** client constructor */
  Client: grpc.ServiceClientConstructor;
  service: grpc.ServiceDefinition;
}

function service(file: string, path: string[]): ServiceBundle {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(file, OPTIONS));
  let node: unknown = pkg;
  for (const p of path) node = (node as Record<string, unknown>)[p];
  const Client = node as grpc.ServiceClientConstructor | undefined;
  if (typeof Client !== "function" || !Client.service) throw new Error(`service ${path.join(".")} not found in ${file}`);
  return { Client, service: Client.service };
}

let legacy: ServiceBundle | null = null;
let a2f3d: ServiceBundle | null = null;

/** nvidia.audio2face.Audio2Face (legacy Omniverse streaming player) */
export function legacyA2fService(): ServiceBundle {
  legacy ??= service("audio2face.proto", ["nvidia", "audio2face", "Audio2Face"]);
  return legacy;
}

/** nvidia_ace.services.a2f_controller.v1.A2FControllerService (Audio2Face-3D) */
export function a2f3dService(): ServiceBundle {
  a2f3d ??= service("nvidia_ace.services.a2f_controller.v1.proto", ["nvidia_ace", "services", "a2f_controller", "v1", "A2FControllerService"]);
  return a2f3d;
}

/** Message shapes as proto-loader hands them over (keepCase, oneofs). */
export interface PushAudioStreamRequest {
  start_marker?: { instance_name: string; samplerate: number; block_until_playback_is_finished: boolean };
  audio_data?: Buffer;
  request?: "start_marker" | "audio_data";
}
export interface PushAudioResponse {
  success: boolean;
  message: string;
}

export interface A2f3dAudioStream {
  audio_stream_header?: {
    audio_header: { audio_format: string; channel_count: number; samples_per_second: number; bits_per_sample: number };
    face_params?: { float_params: Record<string, number> };
    blendshape_params?: { bs_weight_multipliers: Record<string, number>; bs_weight_offsets: Record<string, number>; enable_clamping_bs_weight?: boolean };
    emotion_post_processing_params?: Record<string, unknown>;
    emotion_params?: Record<string, unknown>;
  };
  audio_with_emotion?: { audio_buffer: Buffer; emotions?: unknown[] };
  end_of_audio?: Record<string, never>;
  stream_part?: "audio_stream_header" | "audio_with_emotion" | "end_of_audio";
}

export interface A2f3dAnimationDataStream {
  animation_data_stream_header?: {
    audio_header?: { samples_per_second: number };
    skel_animation_header?: { blend_shapes: string[]; joints: string[] };
    start_time_code_since_epoch: number;
  };
  animation_data?: {
    skel_animation?: { blend_shape_weights: Array<{ time_code: number; values: number[] }> };
    audio?: { time_code: number; audio_buffer: Buffer };
  };
  event?: { event_type: string };
  status?: { code: string; message: string };
  stream_part?: "animation_data_stream_header" | "animation_data" | "event" | "status";
}

/** "host:port" with the service's default port when none is given. */
export function grpcAddress(s: string, defaultPort: number): string {
  return /:\d+$/.test(s) ? s : `${s}:${defaultPort}`;
}
