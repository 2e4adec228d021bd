"""Mirror's F5-TTS sidecar: the model loads once, each visit registers its own reference voice.

Protocol (version 1) is documented in ../sidecar-protocol.ts. Built on F5-TTS's own inference API
(f5_tts.infer.utils_infer, as used by src/f5_tts/socket_server.py). Needs a GPU for real time.

    pip install f5-tts
    python f5_sidecar.py --host 127.0.0.1 --port 9999 [--model F5TTS_v1_Base] [--ckpt_file …] [--device cuda]

References live in memory only; DELETE /voices/{id} drops them (Mirror calls it when a visit is purged).
"""

import argparse
import base64
import io
import json
import logging
import struct
import tempfile
import threading
import uuid
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files

import torch
import torchaudio
from hydra.utils import get_class
from omegaconf import OmegaConf

from f5_tts.infer.utils_infer import chunk_text, infer_batch_process, load_model, load_vocoder, preprocess_ref_audio_text

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("f5_sidecar")
PROTOCOL = 1


class Engine:
    def __init__(self, model, ckpt_file, vocab_file, device):
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        cfg = OmegaConf.load(str(files("f5_tts").joinpath(f"configs/{model}.yaml")))
        self.model_name = model
        self.sample_rate = cfg.model.mel_spec.target_sample_rate
        self.mel_spec_type = cfg.model.mel_spec.mel_spec_type
        if not ckpt_file:
            from huggingface_hub import hf_hub_download

            ckpt_file = str(hf_hub_download(repo_id="SWivid/F5-TTS", filename=f"{model}/model_1250000.safetensors"))
        self.model = load_model(
            get_class(f"f5_tts.model.{cfg.model.backbone}"),
            cfg.model.arch,
            ckpt_path=ckpt_file,
            mel_spec_type=cfg.model.mel_spec.mel_spec_type,
            vocab_file=vocab_file,
            ode_method="euler",
            use_ema=True,
            device=self.device,
        ).to(self.device)
        self.vocoder = load_vocoder(vocoder_name=cfg.model.mel_spec.mel_spec_type, is_local=False, local_path=None, device=self.device)
        self.voices = {}
        self.lock = threading.Lock()  # one generation at a time on the GPU

    def add_voice(self, wav_bytes, ref_text):
        # preprocess_ref_audio_text wants a path; the file lives only for the call
        with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as f:
            f.write(wav_bytes)
            path = f.name
        try:
            ref_path, text = preprocess_ref_audio_text(path, ref_text)
            audio, sr = torchaudio.load(ref_path)
        finally:
            with open(path, "r+b") as f:
                f.write(b"\0" * len(wav_bytes))
            os.unlink(path)
        seconds = audio.shape[-1] / sr
        voice_id = uuid.uuid4().hex
        max_chars = int(len(text.encode("utf-8")) / seconds * (25 - seconds))
        self.voices[voice_id] = {"audio": audio, "sr": sr, "text": text, "max_chars": max(max_chars, 50)}
        return voice_id, seconds

    def speak(self, voice_id, text, nfe_step=32, speed=1.0, cross_fade_duration=0.15):
        v = self.voices[voice_id]
        batches = chunk_text(text, max_chars=v["max_chars"])
        with self.lock:
            for chunk, _sr in infer_batch_process(
                (v["audio"], v["sr"]),
                v["text"],
                batches,
                self.model,
                self.vocoder,
                mel_spec_type=self.mel_spec_type,
                progress=None,
                device=self.device,
                streaming=True,
                chunk_size=2048,
                nfe_step=nfe_step,
                speed=speed,
                cross_fade_duration=cross_fade_duration,
            ):
                if len(chunk) > 0:
                    yield struct.pack(f"<{len(chunk)}f", *chunk)


def make_handler(engine):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _json(self, status, body):
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(n) or b"{}")

        def do_GET(self):
            if self.path == "/health":
                return self._json(200, {"ok": True, "protocol": PROTOCOL, "sample_rate": engine.sample_rate, "model": engine.model_name, "voices": len(engine.voices)})
            self._json(404, {"error": "not found"})

        def do_POST(self):
            parts = self.path.strip("/").split("/")
            try:
                body = self._body()
            except ValueError:
                return self._json(400, {"error": "body is not JSON"})
            if parts == ["voices"]:
                if not isinstance(body.get("ref_audio_b64"), str) or not isinstance(body.get("ref_text"), str):
                    return self._json(400, {"error": "ref_audio_b64 and ref_text required"})
                try:
                    voice_id, seconds = engine.add_voice(base64.b64decode(body["ref_audio_b64"]), body["ref_text"])
                except Exception as e:  # bad audio
                    return self._json(400, {"error": f"reference rejected: {e}"})
                return self._json(201, {"voice_id": voice_id, "ref_seconds": seconds})
            if len(parts) == 3 and parts[0] == "voices" and parts[2] == "speak":
                if parts[1] not in engine.voices:
                    return self._json(404, {"error": "unknown voice"})
                text = body.get("text")
                if not isinstance(text, str):
                    return self._json(400, {"error": "text required"})
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("X-Sample-Rate", str(engine.sample_rate))
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.flush()
                try:
                    for data in engine.speak(parts[1], text, body.get("nfe_step", 32), body.get("speed", 1.0), body.get("cross_fade_duration", 0.15)):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    log.info("client went away: generation stopped")  # the generator is closed with the loop
                    self.close_connection = True
                return
            self._json(404, {"error": "not found"})

        def do_DELETE(self):
            parts = self.path.strip("/").split("/")
            if len(parts) == 2 and parts[0] == "voices":
                engine.voices.pop(parts[1], None)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._json(404, {"error": "not found"})

        def log_message(self, fmt, *args):
            log.info("%s %s", self.command, self.path.split("/speak")[0])  # never log text or audio

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=9999)
    p.add_argument("--model", default="F5TTS_v1_Base")
    p.add_argument("--ckpt_file", default="")
    p.add_argument("--vocab_file", default="")
    p.add_argument("--device", default=None)
    a = p.parse_args()
    engine = Engine(a.model, a.ckpt_file, a.vocab_file, a.device)
    server = ThreadingHTTPServer((a.host, a.port), make_handler(engine))
    log.info("F5 sidecar on %s:%d (protocol %d)", a.host, a.port, PROTOCOL)
    server.serve_forever()


if __name__ == "__main__":
    main()
