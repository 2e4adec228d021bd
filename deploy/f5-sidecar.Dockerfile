# Mirror's F5-TTS sidecar (packages/server/src/stages/tts/f5/sidecar/f5_sidecar.py) on a CUDA GPU.
# F5-TTS weights are CC-BY-NC: they are downloaded into the `models` volume on first start, never baked in.
#   docker build -f deploy/f5-sidecar.Dockerfile -t mirror-f5-sidecar .
FROM pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg curl && rm -rf /var/lib/apt/lists/*
ARG F5_TTS_VERSION=1.1.22
RUN pip install --no-cache-dir "f5-tts==${F5_TTS_VERSION}"
WORKDIR /srv
COPY packages/server/src/stages/tts/f5/sidecar/f5_sidecar.py .
ENV HF_HOME=/models/huggingface
EXPOSE 9999
HEALTHCHECK --interval=15s --timeout=5s --start-period=300s --retries=3 CMD curl -fsS http://127.0.0.1:9999/health || exit 1
CMD ["python", "f5_sidecar.py", "--host", "0.0.0.0", "--port", "9999", "--device", "cuda"]
